//! The four endpoints over HTTP and `file://`, and Go's error wording.

use std::fs;
use std::path::Path;

use gomodx_client::{Client, ErrorKind, ListLine};

use crate::server::{Reply, Server};
use crate::{client, config, tracer};

fn quote_proxy(seen: &crate::server::Seen, _: usize) -> Reply {
    match seen.path.as_str() {
        "/rsc.io/quote/@v/list" => Reply::ok("v1.5.1\nv1.5.2 2018-02-14T15:44:20Z\n"),
        "/rsc.io/quote/@v/v1.5.2.info" => {
            Reply::ok(r#"{"Version":"v1.5.2","Time":"2018-02-14T15:44:20Z"}"#)
        }
        "/rsc.io/quote/@v/v1.5.2.mod" => Reply::ok("module rsc.io/quote\n"),
        "/rsc.io/quote/@v/v1.5.2.zip" => Reply::ok(b"PK\x03\x04zip".to_vec()),
        "/rsc.io/quote/@v/master.info" => Reply::ok(r#"{"Version":"v1.5.3-pre1"}"#),
        "/rsc.io/quote/@v/v1.9.0.info" => Reply::ok(r#"{"Version":"v1.5.2"}"#),
        "/rsc.io/quote/@v/v1.6.0.info" => Reply::ok("not json"),
        "/github.com/%21azure/sdk/@v/v1.0.0-%21r%21c.info" => {
            Reply::ok(r#"{"Version":"v1.0.0-RC"}"#)
        }
        _ => Reply::text(404, "not found: unknown revision\n"),
    }
}

async fn check_endpoints(client: &Client, base: &str) {
    let list = client.list("rsc.io/quote").await.unwrap();
    assert_eq!(list.proxy, base);
    assert_eq!(
        list.value.lines,
        [
            ListLine {
                version: "v1.5.1".into(),
                time: None
            },
            ListLine {
                version: "v1.5.2".into(),
                time: Some("2018-02-14T15:44:20Z".into())
            },
        ]
    );
    let info = client.info("rsc.io/quote", "v1.5.2").await.unwrap();
    assert_eq!(info.value.version, "v1.5.2");
    assert_eq!(info.value.time.as_deref(), Some("2018-02-14T15:44:20Z"));
    let info = client.info("rsc.io/quote", "master").await.unwrap();
    assert_eq!(
        info.value.version, "v1.5.3-pre1",
        "a query may resolve to another version"
    );
    let info = client
        .info("github.com/Azure/sdk", "v1.0.0-RC")
        .await
        .unwrap();
    assert_eq!(info.value.version, "v1.0.0-RC");
    let go_mod = client.go_mod("rsc.io/quote", "v1.5.2").await.unwrap();
    assert_eq!(go_mod.value, b"module rsc.io/quote\n");
    let mut zip = Vec::new();
    let served = client
        .zip("rsc.io/quote", "v1.5.2", &mut zip)
        .await
        .unwrap();
    assert_eq!((served.value, served.proxy.as_str()), (7, base));
    assert_eq!(zip, b"PK\x03\x04zip");
}

#[tokio::test]
async fn http_endpoints() {
    let server = Server::start(quote_proxy).await;
    let base = server.url("/");
    check_endpoints(&client(&base, ""), &base).await;
    let agent = server.seen()[0].header("user-agent").unwrap().to_owned();
    assert_eq!(agent, format!("gomodx/{}", env!("CARGO_PKG_VERSION")));
}

fn write(root: &Path, rel: &str, data: &[u8]) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, data).unwrap();
}

#[tokio::test]
async fn file_endpoints() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "rsc.io/quote/@v/list",
        b"v1.5.1\nv1.5.2 2018-02-14T15:44:20Z\n",
    );
    write(
        root,
        "rsc.io/quote/@v/v1.5.2.info",
        br#"{"Version":"v1.5.2","Time":"2018-02-14T15:44:20Z"}"#,
    );
    write(
        root,
        "rsc.io/quote/@v/master.info",
        br#"{"Version":"v1.5.3-pre1"}"#,
    );
    write(root, "rsc.io/quote/@v/v1.5.2.mod", b"module rsc.io/quote\n");
    write(root, "rsc.io/quote/@v/v1.5.2.zip", b"PK\x03\x04zip");
    write(
        root,
        "github.com/!azure/sdk/@v/v1.0.0-!r!c.info",
        br#"{"Version":"v1.0.0-RC"}"#,
    );
    let base = format!("file://{}", root.display());
    check_endpoints(&client(&base, ""), &base).await;

    let client = client(&base, "");
    let err = client.info("rsc.io/quote", "v9.9.9").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "rsc.io/quote@v9.9.9: reading {base}/rsc.io/quote/@v/v9.9.9.info: no such file or directory"
        )
    );
    assert!(err.is_not_exist());
    let err = client.list("example.com/nonexist").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "module example.com/nonexist: reading {base}/example.com/nonexist/@v/list: no such file or directory"
        )
    );
    // A file where a directory should be: a hard error, not a "not found".
    write(root, "example.com/file", b"");
    let err = client.list("example.com/file/sub").await.unwrap_err();
    assert!(!err.is_not_exist());
    assert_eq!(
        err.to_string(),
        format!(
            "module example.com/file/sub: open {}/example.com/file/sub/@v/list: not a directory",
            root.display()
        )
    );
}

#[tokio::test]
async fn unreadable_file_is_forbidden() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "m.example/a/@v/list", b"v1.0.0\n");
    let list = dir.path().join("m.example/a/@v/list");
    fs::set_permissions(&list, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    if fs::File::open(&list).is_ok() {
        return; // running as root: permissions are not enforced
    }
    let err = client(&format!("file://{}", dir.path().display()), "")
        .list("m.example/a")
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .ends_with("/m.example/a/@v/list: permission denied"),
        "{err}"
    );
    assert!(!err.is_not_exist());
}

#[tokio::test]
async fn go_error_wording() {
    let server = Server::start(quote_proxy).await;
    let base = server.url("");
    let client = client(&base, "");

    let err = client.info("rsc.io/quote", "v1.4.0").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "rsc.io/quote@v1.4.0: reading {base}/rsc.io/quote/@v/v1.4.0.info: 404 Not Found\n\
             \tserver response: not found: unknown revision"
        )
    );
    let err = client.info("rsc.io/quote", "nobranch").await.unwrap_err();
    assert!(
        err.to_string()
            .starts_with("rsc.io/quote@nobranch: invalid version: reading "),
        "{err}"
    );
    let err = client.list("rsc.io/nope").await.unwrap_err();
    assert!(err.to_string().starts_with(&format!(
        "module rsc.io/nope: reading {base}/rsc.io/nope/@v/list: 404"
    )));

    let err = client.info("rsc.io/quote", "v1.9.0").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "rsc.io/quote@v1.9.0: proxy returned info for version v1.5.2 instead of requested version"
    );
    let err = client.info("rsc.io/quote", "v1.6.0").await.unwrap_err();
    assert!(
        err.to_string().starts_with(&format!(
            "rsc.io/quote@v1.6.0: invalid response from proxy {base:?}: "
        )),
        "{err}"
    );
    let err = client.go_mod("rsc.io/quote", "v1.5").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "rsc.io/quote@v1.5: invalid version: internal error: version passed to GoMod is not canonical"
    );
    let err = client
        .zip("rsc.io/quote", "master", &mut Vec::new())
        .await
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::NotCanonical { op: "Zip" }));
    let err = client.list("Not A Path").await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::InvalidModule(_)));
    assert!(
        err.to_string()
            .starts_with("malformed module path \"Not A Path\""),
        "{err}"
    );
    let err = client.info("rsc.io/quote", "v1.0.0/x").await.unwrap_err();
    assert!(
        err.to_string()
            .starts_with("rsc.io/quote@v1.0.0/x: invalid version: "),
        "{err}"
    );
    let requests = server.seen().len();
    assert_eq!(requests, 5, "argument errors make no requests");
}

#[tokio::test]
async fn latest_endpoint_and_list_fallback() {
    let server = Server::start(|seen, _| match seen.path.as_str() {
        "/with.latest/m/@latest" => Reply::ok(r#"{"Version":"v1.2.0"}"#),
        "/no.latest/m/@v/list" => Reply::ok(
            "v1.0.0\nv0.0.0-20190101000000-abcdefabcdef\nv0.0.0-20200101000000-abcdefabcdef\nv0.9.0 2019-06-01T00:00:00Z\n",
        ),
        "/no.latest/m/@v/v0.0.0-20200101000000-abcdefabcdef.info" => {
            Reply::ok(r#"{"Version":"v0.0.0-20200101000000-abcdefabcdef"}"#)
        }
        "/tags.only/m/@v/list" => Reply::ok("v1.0.0\nv1.1.0\n"),
        _ => Reply::status(404),
    })
    .await;
    let client = client(&server.url(""), "");
    assert_eq!(
        client.latest("with.latest/m").await.unwrap().value.version,
        "v1.2.0"
    );
    assert_eq!(server.count("/with.latest/m/@v/list"), 0);
    let latest = client.latest("no.latest/m").await.unwrap();
    assert_eq!(latest.value.version, "v0.0.0-20200101000000-abcdefabcdef");
    let err = client.latest("tags.only/m").await.unwrap_err();
    assert_eq!(err.to_string(), "module tags.only/m: no commits");
}

#[tokio::test]
async fn trace_lines() {
    let server = Server::start(quote_proxy).await;
    let (trace, lines) = tracer();
    let mut config = config(&server.url(""), "");
    config.trace = Some(trace);
    let client = Client::new(config);
    client.go_mod("rsc.io/quote", "v1.5.2").await.unwrap();
    client.go_mod("rsc.io/quote", "v1.0.0").await.unwrap_err();
    let lines = lines.lock().unwrap().clone();
    let url = server.url("/rsc.io/quote/@v/v1.5.2.mod");
    assert_eq!(lines[0], format!("# get {url}"));
    assert!(
        lines[1].starts_with(&format!("# get {url}: 200 OK (")) && lines[1].ends_with("s)"),
        "{lines:?}"
    );
    assert!(
        lines[3].contains("v1.0.0.mod: 404 Not Found ("),
        "{lines:?}"
    );
    assert_eq!(lines.len(), 4);
}
