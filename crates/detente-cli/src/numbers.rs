//! How the CLI writes numbers for people to read, in reports and pictures
//! alike: "1,944,000" while the digits can be read, "1.000 × 10³⁰" beyond.
//! JSON and CSV keep the exact value.

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

/// "1,944,000".
pub(crate) fn group_thousands(n: impl Into<u128>) -> String {
    let digits = n.into().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `x` (≥ 1) as "m × 10ᵉ" with `decimals` decimals in the mantissa.
fn power_of_ten(x: f64, decimals: usize) -> String {
    let mut exponent = x.log10().floor() as i32;
    let mut mantissa = x / 10f64.powi(exponent);
    // Rounding can carry the mantissa to 10 (9.96 at one decimal).
    if format!("{mantissa:.decimals$}").starts_with("10") {
        exponent += 1;
        mantissa /= 10.0;
    }
    const SUPERSCRIPTS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let power: String =
        exponent.to_string().chars().filter_map(|c| c.to_digit(10)).map(|d| SUPERSCRIPTS[d as usize]).collect();
    format!("{mantissa:.decimals$} × 10{power}")
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

    #[test]
    fn grouping() {
        assert_eq!(group_thousands(0u32), "0");
        assert_eq!(group_thousands(1_000u64), "1,000");
        assert_eq!(group_thousands(100_000_000u64), "100,000,000");
    }
}
