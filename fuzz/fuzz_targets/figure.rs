//! The figure parser on arbitrary text: never panics, and what it reads survives a trip
//! through the formatter (`format_number` in Indonesian, then `parse_text` again).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sakip_lint::figure::{Parsed, format_number, from_value, parse_text};
use sakip_lint::grid::Value;

fuzz_target!(|s: &str| {
    let parsed = parse_text(s);
    // The text of a cell goes through the same parser via `from_value`.
    assert_eq!(from_value(&Value::Text(s.to_string())), parsed);
    if let Parsed::Number(f) = &parsed {
        // Written with exactly the decimals the value has, the formatter loses nothing,
        // so reading its output must give the same Decimal back.
        let exact = format_number(f.value, f.value.scale(), "id");
        match parse_text(&exact) {
            Parsed::Number(g) => assert_eq!(
                g.value, f.value,
                "input {s:?} read as {}, written as {exact:?}, read back as {}",
                f.value, g.value
            ),
            other => panic!(
                "input {s:?} read as {}, written as {exact:?}, read back as {other:?}",
                f.value
            ),
        }
        // Written with the decimals it was shown with, it reads back as the value rounded
        // half-up to those decimals.
        let shown = format_number(f.value, f.decimals, "id");
        if let Parsed::Number(g) = parse_text(&shown) {
            assert_eq!(
                g.value,
                sakip_lint::figure::round_half_up(f.value, f.decimals),
                "input {s:?}, written as {shown:?}"
            );
        } else {
            panic!(
                "input {s:?} read as {}, written as {shown:?}, not read back",
                f.value
            );
        }
        // English output must at least not panic.
        let _ = format_number(f.value, f.decimals, "en");
    }
});
