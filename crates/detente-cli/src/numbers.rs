//! How the CLI writes counts for people to read, in reports and pictures
//! alike: "1,944,000" while the digits can be read, "1.000 × 10³⁰" beyond
//! (the core's messages write them the same way). JSON and CSV keep the
//! exact value.

pub(crate) use detente_core::numbers::group_thousands;
use detente_core::numbers::power_of_ten;

/// Exact counts from here on are written in powers of ten: 13 digits stop
/// being readable, even grouped.
const SCIENTIFIC_FROM: u128 = 1_000_000_000_000;

/// An exact count: "1,944,000", or "1.000 × 10³⁰" from 10¹² on.
pub(crate) fn count_text(n: u128) -> String {
    if n >= SCIENTIFIC_FROM { power_of_ten(n as f64, 3) } else { group_thousands(n) }
}

/// A count known only as a float (past 2¹²⁸): "3.403 × 10⁴⁰".
pub(crate) fn count_text_approx(x: f64) -> String {
    power_of_ten(x, 3)
}

/// An estimated count: "about 31,416" below a million, else "about 3.1 × 10⁷".
pub(crate) fn about_text(x: f64) -> String {
    if x < 1e6 {
        format!("about {}", group_thousands(x.round() as u128))
    } else {
        format!("about {}", power_of_ten(x, 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_counts() {
        assert_eq!(count_text(0), "0");
        assert_eq!(count_text(999), "999");
        assert_eq!(count_text(390_625), "390,625");
        assert_eq!(count_text(999_999_999_999), "999,999,999,999");
        assert_eq!(count_text(1_000_000_000_000), "1.000 × 10¹²");
        assert_eq!(count_text(10u128.pow(30)), "1.000 × 10³⁰");
        assert_eq!(count_text(1_234_500_000_000_000), "1.234 × 10¹⁵");
        assert_eq!(count_text(9_999_900_000_000), "1.000 × 10¹³");
    }

    #[test]
    fn estimates() {
        assert_eq!(about_text(31_415.6), "about 31,416");
        assert_eq!(about_text(3.14e7), "about 3.1 × 10⁷");
        assert_eq!(about_text(9.96e9), "about 1.0 × 10¹⁰");
        assert_eq!(about_text(5.825e8), "about 5.8 × 10⁸");
    }
}
