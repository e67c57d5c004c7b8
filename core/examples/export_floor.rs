//! The floor of the whole-export check, for `scripts/bench-export.sh`: serde_json reading every
//! line of an NDJSON file into a `Value` and nothing else, streamed as `atlscim check` streams it
//! (one line in memory at a time). `export_floor FILE` prints the lines read.

use std::io::{BufRead, BufReader};

use serde_json::Value;

fn main() -> std::io::Result<()> {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: export_floor FILE");
        std::process::exit(2);
    };
    let mut input = BufReader::with_capacity(1 << 16, std::fs::File::open(path)?);
    let mut line = Vec::new();
    let (mut lines, mut unreadable) = (0usize, 0usize);
    while input.read_until(b'\n', &mut line)? > 0 {
        if line.iter().any(|b| !b.is_ascii_whitespace()) {
            lines += 1;
            match serde_json::from_slice::<Value>(&line) {
                Ok(value) => drop(std::hint::black_box(value)),
                Err(_) => unreadable += 1,
            }
        }
        line.clear();
    }
    println!("{lines} lines read into a Value ({unreadable} not JSON)");
    Ok(())
}
