//! Hints that make a finding actionable: what kind of slip explains the difference.

use crate::finding::{Arg, Message};
use rust_decimal::Decimal;

/// For two whole amounts that should be equal: a digit transposition (the difference is
/// divisible by 9 and swapping two adjacent digits of one gives the other).
pub fn difference(expected: Decimal, found: Decimal) -> Option<Message> {
    // Amounts too far apart to subtract are no slip of a digit.
    let diff = expected.checked_sub(found)?.abs();
    if diff.is_zero() || !expected.fract().is_zero() || !found.fract().is_zero() {
        return None;
    }
    if (diff % Decimal::from(9)).is_zero()
        && let Some((a, b)) = transposed(expected, found)
    {
        return Some(
            Message::new("hint.transposed")
                .arg(
                    "diff",
                    Arg::Num {
                        value: diff,
                        decimals: 0,
                    },
                )
                .text("digits", format!("{a}/{b}")),
        );
    }
    None
}

/// The two adjacent digits swapped between `a` and `b`, if that is the only change.
fn transposed(a: Decimal, b: Decimal) -> Option<(String, String)> {
    let (sa, sb) = (a.abs().trunc().to_string(), b.abs().trunc().to_string());
    if sa.len() != sb.len() {
        return None;
    }
    // Positions where the digits differ, with the digit of each number there.
    let diffs: Vec<(usize, char, char)> = sa
        .chars()
        .zip(sb.chars())
        .enumerate()
        .filter(|(_, (x, y))| x != y)
        .map(|(i, (x, y))| (i, x, y))
        .collect();
    match diffs.as_slice() {
        [(i, a1, b1), (j, a2, b2)] if *j == i + 1 && a1 == b2 && a2 == b1 => {
            Some((format!("{a1}{a2}"), format!("{b1}{b2}")))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transposition_is_named() {
        let h = difference(
            Decimal::from(1_879_576_000i64),
            Decimal::from(1_897_576_000i64),
        )
        .unwrap();
        assert_eq!(h.id, "hint.transposed");
        assert_eq!(h.args[1].1, Arg::Text("79/97".into()));
        assert!(difference(Decimal::from(100), Decimal::from(109)).is_none());
        assert!(difference(Decimal::from(135), Decimal::from(141)).is_none());
    }
}
