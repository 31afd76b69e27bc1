//! `gomodx list -m -f`, `-versions`, `-retracted` and `-u M@V` against go.
