//! Email addresses as Atlassian keys them (R1) and as the migration assistants check them (R3).

use crate::input::scenario::EmailMatch;
use std::borrow::Cow;

/// The key under which an account is found by `email` (R1). Borrows when the email already
/// is its own key (the common case), so lookups do not allocate.
pub fn email_key(email: &str, mode: EmailMatch) -> Cow<'_, str> {
    match mode {
        EmailMatch::CaseInsensitive if email.is_ascii() && !email.bytes().any(|b| b.is_ascii_uppercase()) => {
            Cow::Borrowed(email)
        }
        EmailMatch::CaseInsensitive => Cow::Owned(email.to_lowercase()),
        EmailMatch::CaseSensitive => Cow::Borrowed(email),
    }
}

/// The domain of an email, lower-cased (domains are case-insensitive whatever R1 says).
pub fn domain_of(email: &str) -> Option<String> {
    email.rsplit_once('@').map(|(_, d)| d.to_lowercase())
}

/// A valid email for the migration assistants: `local@domain.tld` — one `@`, a non-empty
/// local part, a domain of at least two non-empty labels, no white space.
pub fn is_valid(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    let white = if email.is_ascii() {
        email.bytes().any(|b| matches!(b, b'\t'..=b'\r' | b' '))
    } else {
        email.chars().any(char::is_whitespace)
    };
    if local.is_empty() || white {
        return false;
    }
    // One pass over the domain's bytes (`.` and `@` never occur inside a multi-byte character):
    // no `@`, every label non-empty, at least two.
    let (mut dots, mut label) = (0usize, 0usize);
    for b in domain.bytes() {
        match b {
            b'@' => return false,
            b'.' if label == 0 => return false,
            b'.' => (dots, label) = (dots + 1, 0),
            _ => label += 1,
        }
    }
    dots >= 1 && label > 0
}

/// Replaces the domain of `email` by `domain`, keeping the local part.
pub fn with_domain(email: &str, domain: &str) -> String {
    match email.rsplit_once('@') {
        Some((local, _)) => format!("{local}@{domain}"),
        None => format!("{email}@{domain}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_the_email_match_assumption() {
        assert_eq!(email_key("Ann@Acme.com", EmailMatch::CaseInsensitive), "ann@acme.com");
        assert_eq!(email_key("Ann@Acme.com", EmailMatch::CaseSensitive), "Ann@Acme.com");
    }

    #[test]
    fn validity_is_local_at_domain_dot_tld() {
        for ok in ["a@b.co", "first.last@sub.acme.com"] {
            assert!(is_valid(ok), "{ok}");
        }
        for ok in ["é@b.co", "a@bü.co", "a.b@c.d.e"] {
            assert!(is_valid(ok), "{ok}");
        }
        let bad = ["", "a", "a@b", "@b.com", "a@b.", "a@.com", "a b@c.com", "a@b@c.com", "a@b..com"];
        let white = ["a\u{b}@b.com", "a@b.com\r", "a\u{a0}@b.com", "é@b.c\u{2003}om", "a@b.c\tx"];
        for bad in bad.into_iter().chain(white).chain(["a@.", "a@b.c@d.e", "é@b", "é@b..c"]) {
            assert!(!is_valid(bad), "{bad}");
        }
    }

    #[test]
    fn domains_are_lower_cased_and_replaced() {
        assert_eq!(domain_of("x@Acme.COM").as_deref(), Some("acme.com"));
        assert_eq!(domain_of("nodomain"), None);
        assert_eq!(with_domain("ann@old.com", "new.com"), "ann@new.com");
    }
}
