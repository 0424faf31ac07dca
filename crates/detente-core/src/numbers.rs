//! Numbers written for people, in messages here and in the CLI's reports:
//! digits grouped by thousands, and powers of ten ("1.000 × 10³⁰") for
//! counts past reading.

/// "1,944,000".
pub fn group_thousands(n: impl Into<u128>) -> String {
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

/// `x` as "m × 10ᵉ" with `decimals` decimals in the mantissa: "1.000 × 10³⁰".
/// Zero, negative and non-finite values are written as they are.
pub fn power_of_ten(x: f64, decimals: usize) -> String {
    if !(x.is_finite() && x > 0.0) {
        return format!("{x}");
    }
    let mut exponent = x.log10().floor() as i32;
    // 10^e underflows below 10⁻³⁰⁷ (subnormal x): divide in two steps there.
    let mut mantissa = if exponent < -300 { x * 1e300 / 10f64.powi(exponent + 300) } else { x / 10f64.powi(exponent) };
    // Rounding can carry the mantissa to 10 (9.96 at one decimal).
    if format!("{mantissa:.decimals$}").starts_with("10") {
        exponent += 1;
        mantissa /= 10.0;
    }
    const SUPERSCRIPTS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let sign = if exponent < 0 { "⁻" } else { "" };
    let power: String = exponent
        .unsigned_abs()
        .to_string()
        .chars()
        .filter_map(|c| c.to_digit(10))
        .map(|d| SUPERSCRIPTS[d as usize])
        .collect();
    format!("{mantissa:.decimals$} × 10{sign}{power}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn powers_of_ten() {
        assert_eq!(power_of_ten(1e30, 3), "1.000 × 10³⁰");
        assert_eq!(power_of_ten(3.14e7, 1), "3.1 × 10⁷");
        assert_eq!(power_of_ten(9.96e9, 1), "1.0 × 10¹⁰");
        assert_eq!(power_of_ten(2.5e-3, 1), "2.5 × 10⁻³");
        assert_eq!(power_of_ten(1.0, 2), "1.00 × 10⁰");
        assert_eq!(power_of_ten(0.0, 3), "0");
        assert_eq!(power_of_ten(5e-324, 1), "4.9 × 10⁻³²⁴");
        assert_eq!(power_of_ten(f64::MAX, 3), "1.798 × 10³⁰⁸");
        assert_eq!(power_of_ten(f64::INFINITY, 3), "inf");
    }

    #[test]
    fn grouping() {
        assert_eq!(group_thousands(0u32), "0");
        assert_eq!(group_thousands(999u32), "999");
        assert_eq!(group_thousands(1_000u64), "1,000");
        assert_eq!(group_thousands(100_000_000u64), "100,000,000");
        assert_eq!(group_thousands(u128::MAX), "340,282,366,920,938,463,463,374,607,431,768,211,455");
    }
}
