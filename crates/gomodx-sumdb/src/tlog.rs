//! Transparency-log arithmetic (`golang.org/x/mod/sumdb/tlog`): record and
//! node hashes, the numbering of stored hashes, tree heads, records, and
//! tiles — the hashes of a subtree of height `H` stored as one file.
//!
//! Reading hashes through tiles *is* the proof: a [`TileRead`] plans the
//! tiles holding the wanted hashes plus those whose hashes make up the tree
//! head, and [`TileRead::finish`] accepts the tiles only if they hash up to
//! the signed tree hash and every lower tile hashes to its entry in the
//! tile above. A record hash read that way is proven included in the tree;
//! an older tree's hash computed that way proves (or disproves) that the
//! newer tree extends it.

use std::collections::HashMap;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// Bytes in a [`Hash`].
pub const HASH_SIZE: usize = 32;

/// A SHA-256 hash in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hash(pub [u8; HASH_SIZE]);

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&STANDARD.encode(self.0))
    }
}

impl Hash {
    fn from_slice(data: &[u8]) -> Self {
        let mut hash = [0; HASH_SIZE];
        hash.copy_from_slice(data);
        Hash(hash)
    }
}

/// Why log data was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlogError {
    /// A tree note's text is not `go.sum database tree\nN\nhash\n`.
    #[error("malformed tree note")]
    MalformedTree,
    /// A lookup answer is not `id\ntext\n\nnote`.
    #[error("malformed record data")]
    MalformedRecord,
    /// A tile has the wrong size.
    #[error("tile {path} has {len} bytes, want {want}")]
    TileSize {
        /// The tile's path.
        path: String,
        /// Its size.
        len: usize,
        /// The size its width implies.
        want: usize,
    },
    /// The tiles do not hash up to the tree hash.
    #[error("downloaded inconsistent tile")]
    InconsistentTile,
    /// A hash beyond the tree was asked for.
    #[error("indexes not in tree")]
    NotInTree,
}

/// The hash of a record: `SHA-256(0x00 ‖ data)`.
pub fn record_hash(data: &[u8]) -> Hash {
    Hash(
        Sha256::new()
            .chain_update([0])
            .chain_update(data)
            .finalize()
            .into(),
    )
}

/// The hash of an interior node: `SHA-256(0x01 ‖ left ‖ right)`.
pub fn node_hash(left: Hash, right: Hash) -> Hash {
    Hash(
        Sha256::new()
            .chain_update([1])
            .chain_update(left.0)
            .chain_update(right.0)
            .finalize()
            .into(),
    )
}

/// The index, in the sequence of all stored hashes, of the hash at `level`
/// numbered `n` (hashes are stored as soon as both children exist).
pub fn stored_hash_index(level: u32, n: i64) -> i64 {
    let mut n = n;
    for _ in 0..level {
        n = 2 * n + 1;
    }
    let mut index = 0;
    while n > 0 {
        index += n;
        n >>= 1;
    }
    index + i64::from(level)
}

/// The inverse of [`stored_hash_index`]: `(level, n)`.
pub fn split_stored_hash_index(index: i64) -> (u32, i64) {
    let mut n = index / 2;
    let mut index_n = stored_hash_index(0, n);
    loop {
        let next = index_n + 1 + i64::from((n + 1).trailing_zeros());
        if next > index {
            break;
        }
        n += 1;
        index_n = next;
    }
    let level = u32::try_from(index - index_n).expect("a level fits in u32");
    (level, n >> level)
}

/// The largest power of two less than `n` (for `n` ≥ 2), and its log.
fn maxpow2(n: i64) -> (i64, u32) {
    let mut level = 0;
    while 1i64 << (level + 1) < n {
        level += 1;
    }
    (1 << level, level)
}

/// The stored hashes whose node hashes make up the tree hash of records
/// `lo..hi`, left to right.
pub fn sub_tree_index(mut lo: i64, hi: i64) -> Vec<i64> {
    let mut need = Vec::new();
    while lo < hi {
        let (k, level) = maxpow2(hi - lo + 1);
        need.push(stored_hash_index(level, lo >> level));
        lo += k;
    }
    need
}

/// The stored hashes a proof that the tree of `n` records is a prefix of
/// the tree of `t` records is made from (Go's `treeProofIndex(0, t, n)`),
/// for [`tree_proof`]. `0 < n <= t`.
pub fn tree_proof_index(t: i64, n: i64) -> Vec<i64> {
    fn walk(lo: i64, hi: i64, n: i64, need: &mut Vec<i64>) {
        if n == hi {
            if lo != 0 {
                need.extend(sub_tree_index(lo, hi));
            }
            return;
        }
        let (k, _) = maxpow2(hi - lo);
        if n <= lo + k {
            walk(lo, lo + k, n, need);
            need.extend(sub_tree_index(lo + k, hi));
        } else {
            need.extend(sub_tree_index(lo, lo + k));
            walk(lo + k, hi, n, need);
        }
    }
    let mut need = Vec::new();
    walk(0, t, n, &mut need);
    need
}

/// Go's `ProveTree` from the hashes [`tree_proof_index`]`(t, n)` names:
/// the consistency proof between the trees of `n` and `t` records.
pub fn tree_proof(t: i64, n: i64, hashes: &[Hash]) -> Vec<Hash> {
    /// The hash of records `lo..hi` from the front of `hashes`, and the rest.
    fn sub_tree_hash(lo: i64, hi: i64, hashes: &[Hash]) -> (Hash, &[Hash]) {
        let count = sub_tree_index(lo, hi).len();
        let (mine, rest) = hashes.split_at(count);
        (tree_hash_from(hi - lo, mine), rest)
    }
    fn walk<'h>(lo: i64, hi: i64, n: i64, hashes: &'h [Hash], proof: &mut Vec<Hash>) -> &'h [Hash] {
        if n == hi {
            if lo == 0 {
                return hashes;
            }
            let (hash, rest) = sub_tree_hash(lo, hi, hashes);
            proof.push(hash);
            return rest;
        }
        let (k, _) = maxpow2(hi - lo);
        let (hash, rest) = if n <= lo + k {
            let rest = walk(lo, lo + k, n, hashes, proof);
            sub_tree_hash(lo + k, hi, rest)
        } else {
            let (hash, rest) = sub_tree_hash(lo, lo + k, hashes);
            (hash, walk(lo + k, hi, n, rest, proof))
        };
        proof.push(hash);
        rest
    }
    let mut proof = Vec::new();
    walk(0, t, n, hashes, &mut proof);
    proof
}

/// The tree hash of `n` records from the hashes [`sub_tree_index`]`(0, n)` names.
pub fn tree_hash_from(n: i64, hashes: &[Hash]) -> Hash {
    if n == 0 {
        return Hash(Sha256::digest([]).into());
    }
    let (last, rest) = hashes.split_last().expect("at least one subtree hash");
    rest.iter()
        .rev()
        .fold(*last, |right, left| node_hash(*left, right))
}

/// A signed tree head: the number of records and the root hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tree {
    /// Number of records.
    pub n: i64,
    /// Root hash.
    pub hash: Hash,
}

impl Tree {
    /// The empty tree.
    pub fn empty() -> Self {
        Tree {
            n: 0,
            hash: tree_hash_from(0, &[]),
        }
    }

    /// Parses a tree note's text (`go.sum database tree\nN\nhash\n…`).
    pub fn parse(text: &str) -> Result<Self, TlogError> {
        let rest = text
            .strip_prefix("go.sum database tree\n")
            .filter(|_| text.matches('\n').count() >= 3 && text.len() <= 1_000_000)
            .ok_or(TlogError::MalformedTree)?;
        let mut lines = rest.splitn(3, '\n');
        let (count, hash) = (lines.next().unwrap_or(""), lines.next().unwrap_or(""));
        let n: i64 = count.parse().map_err(|_| TlogError::MalformedTree)?;
        if n < 0 || count != n.to_string() {
            return Err(TlogError::MalformedTree);
        }
        let hash = STANDARD
            .decode(hash)
            .map_err(|_| TlogError::MalformedTree)?;
        if hash.len() != HASH_SIZE {
            return Err(TlogError::MalformedTree);
        }
        Ok(Tree {
            n,
            hash: Hash::from_slice(&hash),
        })
    }

    /// The note text of this tree.
    pub fn format(&self) -> String {
        format!("go.sum database tree\n{}\n{}\n", self.n, self.hash)
    }
}

impl fmt::Display for Tree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tree#{} ({})", self.n, self.hash)
    }
}

/// Go's `isValidRecordText`: printable UTF-8 lines, no blank line, a
/// final newline.
fn is_valid_record_text(text: &str) -> bool {
    text.ends_with('\n')
        && !text.contains("\n\n")
        && !text.chars().any(|c| c < '\u{20}' && c != '\n')
}

/// Splits a lookup answer into record id, record text and the rest (the
/// signed tree note).
pub fn parse_record(msg: &[u8]) -> Result<(i64, &str, &[u8]), TlogError> {
    let newline = msg
        .iter()
        .position(|&b| b == b'\n')
        .ok_or(TlogError::MalformedRecord)?;
    let id = std::str::from_utf8(&msg[..newline])
        .ok()
        .and_then(|id| id.parse::<i64>().ok())
        .ok_or(TlogError::MalformedRecord)?;
    let msg = &msg[newline + 1..];
    let end = msg
        .windows(2)
        .position(|w| w == b"\n\n")
        .ok_or(TlogError::MalformedRecord)?;
    let text = std::str::from_utf8(&msg[..=end]).map_err(|_| TlogError::MalformedRecord)?;
    if !is_valid_record_text(text) {
        return Err(TlogError::MalformedRecord);
    }
    Ok((id, text, &msg[end + 2..]))
}

/// A lookup answer's record part: `id\ntext\n` (the signed tree follows).
pub fn format_record(id: i64, text: &str) -> Result<String, TlogError> {
    if !is_valid_record_text(text) {
        return Err(TlogError::MalformedRecord);
    }
    Ok(format!("{id}\n{text}\n"))
}

/// A tile: the hashes of level `l` (in units of `h` levels; -1 for record
/// data), numbered `n`, `w` of them (`2^h` for a full tile).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tile {
    /// Height (go uses 8 for the checksum database).
    pub h: u32,
    /// Level in tiles.
    pub l: u32,
    /// Number within the level.
    pub n: i64,
    /// Width: how many hashes.
    pub w: u32,
}

impl Tile {
    /// Its path, `tile/H/L/[xNNN/…]NNN[.p/W]`, as the server and go's
    /// cache name it.
    pub fn path(&self) -> String {
        let mut n = self.n;
        let mut digits = format!("{:03}", n % 1000);
        while n >= 1000 {
            n /= 1000;
            digits = format!("x{:03}/{digits}", n % 1000);
        }
        let partial = if self.w == 1 << self.h {
            String::new()
        } else {
            format!(".p/{}", self.w)
        };
        format!("tile/{}/{}/{digits}{partial}", self.h, self.l)
    }

    /// The full tile this one is a prefix of.
    pub fn full(&self) -> Tile {
        Tile {
            w: 1 << self.h,
            ..*self
        }
    }

    /// The tiles a log of `new` records has that one of `old` lacks (all
    /// full ones, then the partial one at each level).
    pub fn new_tiles(h: u32, old: i64, new: i64) -> Vec<Tile> {
        let mut tiles = Vec::new();
        let mut level = 0;
        while new >> (h * level) > 0 {
            let (old_n, new_n) = (old >> (h * level), new >> (h * level));
            if old_n != new_n {
                for n in (old_n >> h)..(new_n >> h) {
                    tiles.push(Tile {
                        h,
                        l: level,
                        n,
                        w: 1 << h,
                    });
                }
                let n = new_n >> h;
                let w = new_n - (n << h);
                if w > 0 {
                    let w = u32::try_from(w).expect("a tile width fits in u32");
                    tiles.push(Tile { h, l: level, n, w });
                }
            }
            level += 1;
        }
        tiles
    }

    /// The stored hash indexes whose hashes this tile holds, in order.
    pub fn hash_indexes(&self) -> impl Iterator<Item = i64> + use<> {
        let (level, start) = (self.h * self.l, self.n << self.h);
        (0..i64::from(self.w)).map(move |i| stored_hash_index(level, start + i))
    }

    /// The smallest tile holding stored hash `index`, and the byte range of
    /// the hash (or subtree of hashes) inside it that yields that hash.
    fn for_index(h: u32, index: i64) -> (Tile, usize, usize) {
        let (level, n) = split_stored_hash_index(index);
        let l = level / h;
        let level = level - l * h;
        let tile_n = (n << level) >> h;
        let within = n - ((tile_n << h) >> level);
        let w = u32::try_from((within + 1) << level).expect("a tile width fits in u32");
        let start = usize::try_from(within << level).expect("fits") * HASH_SIZE;
        let end = usize::try_from((within + 1) << level).expect("fits") * HASH_SIZE;
        (Tile { h, l, n: tile_n, w }, start, end)
    }

    /// Go's `tileParent`: the ancestor `k` tile levels up in a tree of `n`
    /// records, cut to the width the tree has; `None` past the tree.
    fn parent(&self, k: u32, n: i64) -> Option<Tile> {
        let mut tile = *self;
        tile.l += k;
        tile.n >>= k * tile.h;
        tile.w = 1 << tile.h;
        let max = n >> (tile.l * tile.h);
        if (tile.n << tile.h) + i64::from(tile.w) >= max {
            if tile.n << tile.h >= max {
                return None;
            }
            tile.w = u32::try_from(max - (tile.n << tile.h)).expect("a tile width fits in u32");
        }
        Some(tile)
    }

    /// Stored hash `index` from this tile's `data`.
    fn hash_at(&self, data: &[u8], index: i64) -> Option<Hash> {
        let (tile, start, end) = Tile::for_index(self.h, index);
        (tile.l == self.l && tile.n == self.n && tile.w <= self.w && end <= data.len())
            .then(|| tile_hash(&data[start..end]))
    }
}

/// The hash of the subtree whose leaves are the hashes in `data`.
fn tile_hash(data: &[u8]) -> Hash {
    if data.len() == HASH_SIZE {
        return Hash::from_slice(data);
    }
    let half = data.len() / 2;
    node_hash(tile_hash(&data[..half]), tile_hash(&data[half..]))
}

/// Reading stored hashes of a tree through its tiles (Go's
/// `TileHashReader.ReadHashes`), in two steps so the caller fetches the
/// tiles however it likes: [`TileRead::tiles`], then [`TileRead::finish`].
#[derive(Debug, Clone)]
pub struct TileRead {
    tree: Tree,
    indexes: Vec<i64>,
    tiles: Vec<Tile>,
    /// Position in `tiles` of each tree-hash subtree's tile.
    stx: Vec<(i64, usize)>,
    /// Position in `tiles` of each wanted index's tile.
    index_tiles: Vec<usize>,
    order: HashMap<Tile, usize>,
}

impl TileRead {
    /// Plans reading stored hashes `indexes` of `tree` with tiles of height `h`.
    pub fn plan(tree: Tree, h: u32, indexes: &[i64]) -> Result<Self, TlogError> {
        let mut read = TileRead {
            tree,
            indexes: indexes.to_vec(),
            tiles: Vec::new(),
            stx: Vec::new(),
            index_tiles: Vec::new(),
            order: HashMap::new(),
        };
        for x in sub_tree_index(0, tree.n) {
            let tile = Tile::for_index(h, x)
                .0
                .parent(0, tree.n)
                .ok_or(TlogError::NotInTree)?;
            let at = read.add(tile);
            read.stx.push((x, at));
        }
        for &x in indexes {
            if x >= stored_hash_index(0, tree.n) {
                return Err(TlogError::NotInTree);
            }
            let tile = Tile::for_index(h, x).0;
            // Climb to the first ancestor already planned, then plan the
            // full tiles on the way back down.
            let mut k = 0;
            loop {
                let parent = tile.parent(k, tree.n).ok_or(TlogError::NotInTree)?;
                if read.order.contains_key(&parent) {
                    break;
                }
                k += 1;
            }
            for k in (0..k).rev() {
                let parent = tile.parent(k, tree.n).ok_or(TlogError::NotInTree)?;
                read.add(parent);
            }
            let own = tile.parent(0, tree.n).ok_or(TlogError::NotInTree)?;
            read.index_tiles.push(read.order[&own]);
        }
        Ok(read)
    }

    fn add(&mut self, tile: Tile) -> usize {
        if let Some(&at) = self.order.get(&tile) {
            return at;
        }
        self.order.insert(tile, self.tiles.len());
        self.tiles.push(tile);
        self.tiles.len() - 1
    }

    /// The tiles to fetch.
    pub fn tiles(&self) -> &[Tile] {
        &self.tiles
    }

    /// Checks `data` (one entry per [`TileRead::tiles`]) against the tree
    /// and returns the wanted hashes.
    pub fn finish(&self, data: &[Vec<u8>]) -> Result<Vec<Hash>, TlogError> {
        for (tile, data) in self.tiles.iter().zip(data) {
            let want = tile.w as usize * HASH_SIZE;
            if data.len() != want {
                return Err(TlogError::TileSize {
                    path: tile.path(),
                    len: data.len(),
                    want,
                });
            }
        }
        let hash = |at: usize, index: i64| {
            self.tiles[at]
                .hash_at(&data[at], index)
                .ok_or(TlogError::InconsistentTile)
        };
        let subtrees = self
            .stx
            .iter()
            .map(|&(x, at)| hash(at, x))
            .collect::<Result<Vec<_>, _>>()?;
        if tree_hash_from(self.tree.n, &subtrees) != self.tree.hash {
            return Err(TlogError::InconsistentTile);
        }
        let last_stx = self.stx.last().map_or(0, |&(_, at)| at);
        for (at, tile) in self.tiles.iter().enumerate().skip(last_stx + 1) {
            let parent = tile
                .parent(1, self.tree.n)
                .and_then(|p| self.order.get(&p).map(|&j| (p, j)))
                .ok_or(TlogError::InconsistentTile)?;
            let index = stored_hash_index(parent.0.l * parent.0.h, tile.n);
            if hash(parent.1, index)? != tile_hash(&data[at]) {
                return Err(TlogError::InconsistentTile);
            }
        }
        self.indexes
            .iter()
            .zip(&self.index_tiles)
            .map(|(&x, &at)| hash(at, x))
            .collect()
    }
}

/// An append-only log kept whole in memory: what a checksum database
/// server holds (test databases are built with it).
#[derive(Debug, Clone, Default)]
pub struct MemoryLog {
    hashes: Vec<Hash>,
    records: i64,
}

impl MemoryLog {
    /// Appends a record; returns its id.
    pub fn append(&mut self, data: &[u8]) -> i64 {
        let n = self.records;
        let mut hash = record_hash(data);
        self.hashes.push(hash);
        for level in 0..(n + 1).trailing_zeros() {
            let left = self.hashes[usize::try_from(stored_hash_index(level, (n >> level) - 1))
                .expect("an index fits in usize")];
            hash = node_hash(left, hash);
            self.hashes.push(hash);
        }
        self.records += 1;
        n
    }

    /// The tree head of the log so far.
    pub fn tree(&self) -> Tree {
        let subtrees: Vec<Hash> = sub_tree_index(0, self.records)
            .into_iter()
            .map(|x| self.hashes[usize::try_from(x).expect("an index fits in usize")])
            .collect();
        Tree {
            n: self.records,
            hash: tree_hash_from(self.records, &subtrees),
        }
    }

    /// The content of a hash tile of this log.
    pub fn tile_data(&self, tile: Tile) -> Vec<u8> {
        tile.hash_indexes()
            .flat_map(|x| self.hashes[usize::try_from(x).expect("an index fits in usize")].0)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_hash_indexes_round_trip() {
        assert_eq!(stored_hash_index(0, 0), 0);
        assert_eq!(stored_hash_index(0, 1), 1);
        assert_eq!(stored_hash_index(1, 0), 2);
        assert_eq!(stored_hash_index(0, 2), 3);
        assert_eq!(stored_hash_index(2, 0), 6);
        for index in 0..5000 {
            let (level, n) = split_stored_hash_index(index);
            assert_eq!(stored_hash_index(level, n), index);
        }
    }

    #[test]
    fn tree_proofs_are_gos() {
        let mut log = MemoryLog::default();
        let mut trees = vec![log.tree()];
        for i in 0..7 {
            log.append(format!("r{i}").as_bytes());
            trees.push(log.tree());
        }
        let stored = |x: i64| log.hashes[usize::try_from(x).unwrap()];
        let proof = |t: i64, n: i64| {
            let hashes: Vec<Hash> = tree_proof_index(t, n).into_iter().map(stored).collect();
            tree_proof(t, n, &hashes)
        };
        assert!(proof(7, 7).is_empty());
        assert_eq!(proof(2, 1), [stored(stored_hash_index(0, 1))]);
        // Records 4..7 complete the 4-record tree into the 7-record one.
        let p = proof(7, 4);
        assert_eq!(p.len(), 1);
        assert_eq!(node_hash(trees[4].hash, p[0]), trees[7].hash);
        // Records 2, 3, 0..2 and 4..7: go's order, innermost first.
        let p = proof(7, 3);
        assert_eq!(p.len(), 4);
        assert_eq!(node_hash(p[2], p[0]), trees[3].hash);
        let four = node_hash(p[2], node_hash(p[0], p[1]));
        assert_eq!(four, trees[4].hash);
        assert_eq!(node_hash(four, p[3]), trees[7].hash);
    }

    #[test]
    fn tile_paths_are_gos() {
        let tile = |l, n, w| Tile { h: 8, l, n, w };
        assert_eq!(tile(0, 0, 256).path(), "tile/8/0/000");
        assert_eq!(tile(0, 4822, 136).path(), "tile/8/0/x004/822.p/136");
        assert_eq!(tile(1, 1_234_567, 256).path(), "tile/8/1/x001/x234/567");
        assert_eq!(
            Tile::new_tiles(8, 0, 300),
            [tile(0, 0, 256), tile(0, 1, 44), tile(1, 0, 1)]
        );
    }

    #[test]
    fn trees_and_records_parse() {
        let tree = MemoryLog::default().tree();
        assert_eq!(tree, Tree::empty());
        assert_eq!(
            tree.hash.to_string(),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
        assert_eq!(Tree::parse(&tree.format()), Ok(tree));
        assert!(Tree::parse("go.sum database tree\n01\nAAAA\n").is_err());
        let msg = b"12\nexample.com/a v1.0.0 h1:x\n\ngo.sum database tree\n";
        let (id, text, rest) = parse_record(msg).unwrap();
        assert_eq!((id, text), (12, "example.com/a v1.0.0 h1:x\n"));
        assert_eq!(rest, b"go.sum database tree\n");
        assert!(parse_record(b"x\na\n\n").is_err());
    }

    /// Builds logs of many sizes and reads every record hash through tiles
    /// of a small height (several tile levels), and every older tree hash
    /// through the newer tree's tiles.
    #[test]
    fn tile_reads_prove_records_and_older_trees() {
        for h in [1, 2, 3] {
            let mut log = MemoryLog::default();
            let mut trees = vec![log.tree()];
            for i in 0..70 {
                log.append(format!("record {i}\n").as_bytes());
                trees.push(log.tree());
            }
            let tree = log.tree();
            let fetch = |read: &TileRead| -> Vec<Vec<u8>> {
                read.tiles().iter().map(|&t| log.tile_data(t)).collect()
            };
            for id in 0..tree.n {
                let read = TileRead::plan(tree, h, &[stored_hash_index(0, id)]).unwrap();
                let hashes = read.finish(&fetch(&read)).unwrap();
                assert_eq!(hashes[0], record_hash(format!("record {id}\n").as_bytes()));
            }
            for old in &trees[1..] {
                let read = TileRead::plan(tree, h, &sub_tree_index(0, old.n)).unwrap();
                let hashes = read.finish(&fetch(&read)).unwrap();
                assert_eq!(
                    tree_hash_from(old.n, &hashes),
                    old.hash,
                    "h={h} n={}",
                    old.n
                );
            }
        }
    }

    #[test]
    fn tampered_tiles_are_refused() {
        let mut log = MemoryLog::default();
        for i in 0..40 {
            log.append(format!("r{i}\n").as_bytes());
        }
        let tree = log.tree();
        let read = TileRead::plan(tree, 2, &[stored_hash_index(0, 5)]).unwrap();
        let good: Vec<Vec<u8>> = read.tiles().iter().map(|&t| log.tile_data(t)).collect();
        for (i, tile) in good.iter().enumerate() {
            for byte in [0, tile.len() - 1] {
                let mut bad = good.clone();
                bad[i][byte] ^= 1;
                assert!(read.finish(&bad).is_err(), "tile {i} byte {byte}");
            }
        }
        let mut short = good.clone();
        short[0].pop();
        assert!(matches!(
            read.finish(&short),
            Err(TlogError::TileSize { .. })
        ));
        // A forked log: the same size, one record different.
        let mut fork = MemoryLog::default();
        for i in 0..40 {
            fork.append(format!("r{}\n", if i == 7 { 99 } else { i }).as_bytes());
        }
        let forked: Vec<Vec<u8>> = read.tiles().iter().map(|&t| fork.tile_data(t)).collect();
        assert_eq!(read.finish(&forked), Err(TlogError::InconsistentTile));
        assert!(TileRead::plan(tree, 2, &[stored_hash_index(0, 40)]).is_err());
    }
}
