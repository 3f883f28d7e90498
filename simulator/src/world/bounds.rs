//! The ranges numbers from outside must fall in — control-plane bodies,
//! fixtures and snapshots — and the check that refuses one out of range with
//! a message naming the field and both bounds. Inside these ranges, time and
//! counter arithmetic cannot overflow: the clock stops at
//! [`LATEST`](super::clock::LATEST) (year 9999), durations are at most ten
//! years, and counters stay below [`MAX_COUNTER`].

use std::fmt::Display;

use super::shared::Invalid;

/// The longest duration a setting may name (a delay, a token lifetime): ten years.
pub const MAX_DURATION_SECONDS: i64 = 10 * 365 * 86_400;

/// The largest counter (id generator position, sequence number, next id) a
/// snapshot may carry: 2^53, exact as a JSON number in every language, and
/// more calls than a sandbox can receive.
pub const MAX_COUNTER: u64 = 1 << 53;

/// `value`, or the refusal `{field} must be between {min} and {max}`.
pub fn in_range<T: PartialOrd + Display + Copy>(
    field: &str,
    value: T,
    min: T,
    max: T,
) -> Result<T, Invalid> {
    if value < min || value > max {
        return Err(Invalid::new(
            field,
            format!("{field} must be between {min} and {max}, got {value}"),
        ));
    }
    Ok(value)
}

/// A counter read from a snapshot: at most [`MAX_COUNTER`].
pub fn counter(field: &str, value: u64) -> Result<u64, Invalid> {
    in_range(field, value, 0, MAX_COUNTER)
}

/// A duration in seconds, from 0 to [`MAX_DURATION_SECONDS`].
pub fn duration(field: &str, seconds: i64) -> Result<i64, Invalid> {
    in_range(field, seconds, 0, MAX_DURATION_SECONDS)
}

/// Sequence numbers (from a snapshot) that go up from 1 and stay at or below
/// `last`; the refusal names `field` and the first one out of order.
pub fn ascending(field: &str, seqs: impl Iterator<Item = u64>, last: u64) -> Result<(), Invalid> {
    let mut previous = 0;
    for seq in seqs {
        if seq <= previous || seq > last {
            return Err(Invalid::new(
                field,
                format!("{field}: seq {seq} is out of order (they go up from 1 to {last})"),
            ));
        }
        previous = seq;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_name_the_field_and_both_bounds() {
        assert_eq!(in_range("x", 5, 1, 10), Ok(5));
        assert_eq!(in_range("x", 1, 1, 10), Ok(1));
        let refused = in_range("webhooks.duplicates", 11u32, 0, 10).unwrap_err();
        assert_eq!(refused.field, "webhooks.duplicates");
        assert_eq!(
            refused.message,
            "webhooks.duplicates must be between 0 and 10, got 11"
        );
        assert!(duration("delay_seconds", -5).is_err());
        assert!(duration("delay_seconds", i64::MAX).is_err());
        assert!(counter("ids.counter", u64::MAX).is_err());
        assert_eq!(counter("ids.counter", MAX_COUNTER), Ok(MAX_COUNTER));
        assert_eq!(ascending("events", [1, 2, 5].into_iter(), 5), Ok(()));
        assert_eq!(
            ascending("events", [1, 3, 2].into_iter(), 5)
                .unwrap_err()
                .message,
            "events: seq 2 is out of order (they go up from 1 to 5)"
        );
        assert!(ascending("events", [6].into_iter(), 5).is_err());
    }
}
