//! Every number, byte count and value formatter, once. Reports, charts, messages and the
//! command line all print numbers through these, so a value reads the same everywhere.

use serde_json::Value;

/// A number for people: integers without decimals, others with up to 4 decimals, huge ones
/// in scientific notation.
pub fn format_number(x: f64) -> String {
    if x == 0.0 {
        return "0".to_string();
    }
    if x.abs() >= 1e15 || !x.is_finite() {
        return format!("{x:e}");
    }
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        let s = format!("{x:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A number from a file as it was written (shortest round-trip form), huge ones in scientific
/// notation so that `1e308` does not print 309 digits.
pub fn show_number(x: f64) -> String {
    if x.abs() >= 1e15 || !x.is_finite() { format!("{x:e}") } else { x.to_string() }
}

/// `mean [lo, hi]` in readable numbers ([`value_label`]), or just the mean when the interval
/// is a point (every replication agrees, or there is one).
pub fn mean_with_interval(mean: f64, ci95: [f64; 2]) -> String {
    if ci95[0] == ci95[1] {
        value_label(mean)
    } else {
        format!("{} [{}, {}]", value_label(mean), value_label(ci95[0]), value_label(ci95[1]))
    }
}

/// Bytes for people: `1.5 GiB`, `800 MiB`.
pub fn human_bytes(bytes: u64) -> String {
    const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
    let b = bytes as f64;
    if b >= GIB {
        format!("{:.1} GiB", b / GIB)
    } else {
        format!("{:.0} MiB", (b / (1024.0 * 1024.0)).max(1.0))
    }
}

/// An axis value for people and CSV cells: numbers and booleans as written, strings bare.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `v` with `decimals` decimals and thousands separators (`12,345.6`).
pub fn fixed(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    let s = if s.starts_with('-') && s.trim_start_matches(['-', '0', '.']).is_empty() {
        s[1..].to_string()
    } else {
        s
    };
    let (sign, rest) = if let Some(r) = s.strip_prefix('-') { ("-", r) } else { ("", s.as_str()) };
    let (int, frac) = rest.split_once('.').map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A readable number, the one format of results people read (chart labels, summary.md, the
/// terminal table): three significant digits but never fewer than the integer digits, so whole
/// numbers from 100 up (a count of people stays a count), thousands separators, no trailing
/// zeros (`2,843`, `27.3`, `0.55`, `0.0152`). CSV and JSON keep full precision.
pub fn value_label(v: f64) -> String {
    let a = v.abs();
    let decimals = if a >= 100.0 || a == 0.0 {
        0
    } else if a >= 10.0 {
        1
    } else if a >= 1.0 {
        2
    } else {
        (2.0 - a.log10().floor()).min(6.0) as usize
    };
    let s = fixed(v, decimals);
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_plainly() {
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(-0.0), "0");
        assert_eq!(format_number(2.5), "2.5");
        assert_eq!(format_number(1.0 / 3.0), "0.3333");
        assert_eq!(format_number(1e308), "1e308");
        assert_eq!(show_number(0.1), "0.1");
        assert_eq!(show_number(1e20), "1e20");
        assert_eq!(mean_with_interval(2.0, [2.0, 2.0]), "2");
        assert_eq!(mean_with_interval(2.5, [1.0, 4.0]), "2.5 [1, 4]");
        assert_eq!(human_bytes(10), "1 MiB");
        assert_eq!(human_bytes(3 << 30), "3.0 GiB");
        assert_eq!(value_text(&Value::from("a")), "a");
        assert_eq!(value_text(&Value::from(0.5)), "0.5");
    }

    #[test]
    fn chart_numbers_read_plainly() {
        assert_eq!(fixed(1234567.0, 0), "1,234,567");
        assert_eq!(fixed(-0.0001, 2), "0.00");
        assert_eq!(fixed(-1500.5, 1), "-1,500.5");
        assert_eq!(value_label(2842.7), "2,843");
        assert_eq!(value_label(27.3), "27.3");
        assert_eq!(value_label(0.55), "0.55");
        assert_eq!(value_label(5.0), "5");
        assert_eq!(value_label(0.0), "0");
        assert_eq!(value_label(0.0123), "0.0123");
        assert_eq!(value_label(1534.0333), "1,534");
        assert_eq!(value_label(0.0152), "0.0152");
        assert_eq!(value_label(2.5), "2.5");
        assert_eq!(value_label(999.0), "999");
        assert_eq!(value_label(-3.14259), "-3.14");
        assert_eq!(value_label(12.345), "12.3");
        assert_eq!(mean_with_interval(1534.0333, [1522.1503, 1545.9164]), "1,534 [1,522, 1,546]");
        assert_eq!(mean_with_interval(4.0, [4.0, 4.0]), "4");
    }
}
