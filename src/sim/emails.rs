//! Interned email addresses.
//!
//! Accounts are found by email (R1), so the simulator compares and looks up emails all the
//! time. Each distinct *key* (the email as R1 compares it: lower-cased unless
//! `email_match` is `case_sensitive`) gets an [`EmailId`] once per replication, with its
//! domain and its validity worked out once. Worlds then index accounts by `EmailId` in a plain
//! vector: no hashing, no string comparison, no allocation on the hot path.
//!
//! The [`EmailBook`] of a replication holds every email known before the run (people, events)
//! and is shared by all its strategies; each world adds the emails it makes up during the run
//! (drift, domain moves, placeholders) in its own [`Emails`] overlay.

pub use crate::ids::EmailId;
use crate::input::email::{domain_of, email_key, is_valid};
use crate::input::scenario::{DomainSpec, EmailMatch};
use rustc_hash::FxHashMap;

/// What is known of one email.
#[derive(Debug, Clone)]
struct Entry {
    /// The email as first written.
    text: Box<str>,
    /// Index of its domain in the scenario's `domains`, when listed.
    domain: Option<u16>,
    /// `local@domain.tld`.
    valid: bool,
}

/// The emails of one replication, shared by its strategies.
#[derive(Debug, Clone)]
pub struct EmailBook {
    mode: EmailMatch,
    domains: Vec<String>,
    entries: Vec<Entry>,
    ids: FxHashMap<Box<str>, EmailId>,
}

impl EmailBook {
    /// An empty book for the scenario's domains and email-match assumption.
    pub fn new(mode: EmailMatch, domains: &[DomainSpec]) -> EmailBook {
        EmailBook {
            mode,
            domains: domains.iter().map(|d| d.name.clone()).collect(),
            entries: Vec::new(),
            ids: FxHashMap::default(),
        }
    }

    /// The id of `text`, adding it when new.
    pub fn intern(&mut self, text: &str) -> EmailId {
        let key = email_key(text, self.mode);
        if let Some(&id) = self.ids.get(key.as_ref()) {
            return id;
        }
        let id = EmailId(u32::try_from(self.entries.len()).unwrap_or(u32::MAX));
        self.entries.push(entry(text, &self.domains));
        self.ids.insert(key.into_owned().into_boxed_str(), id);
        id
    }

    /// The id of `text`, if known.
    pub fn get(&self, text: &str) -> Option<EmailId> {
        self.ids.get(email_key(text, self.mode).as_ref()).copied()
    }

    /// Number of emails.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn entry(text: &str, domains: &[String]) -> Entry {
    let domain = domain_index(text, domains).and_then(|i| u16::try_from(i).ok());
    Entry { text: text.into(), domain, valid: is_valid(text) }
}

/// Index in `domains` (lower case) of `text`'s domain ([`domain_of`], lower-cased), when listed;
/// an ASCII domain is compared without lower-casing a copy.
fn domain_index(text: &str, domains: &[String]) -> Option<usize> {
    let (_, d) = text.rsplit_once('@')?;
    if d.is_ascii() {
        domains.iter().position(|x| x.eq_ignore_ascii_case(d) && !x.bytes().any(|b| b.is_ascii_uppercase()))
    } else {
        let d = domain_of(text)?;
        domains.iter().position(|x| *x == d)
    }
}

/// A world's view of the emails: the replication's book plus what this run made up.
#[derive(Debug, Clone)]
pub struct Emails<'b> {
    book: &'b EmailBook,
    local: Vec<Entry>,
    local_ids: FxHashMap<Box<str>, EmailId>,
}

impl<'b> Emails<'b> {
    /// A view of `book` with nothing added.
    pub fn new(book: &'b EmailBook) -> Emails<'b> {
        Emails { book, local: Vec::new(), local_ids: FxHashMap::default() }
    }

    /// The id of `text`, adding it to this world when new.
    pub fn intern(&mut self, text: &str) -> EmailId {
        let key = email_key(text, self.book.mode);
        if let Some(id) = self.get_key(&key) {
            return id;
        }
        let id = EmailId(u32::try_from(self.book.len() + self.local.len()).unwrap_or(u32::MAX));
        self.local.push(entry(text, &self.book.domains));
        self.local_ids.insert(key.into_owned().into_boxed_str(), id);
        id
    }

    /// The id of `text`, if known.
    pub fn get(&self, text: &str) -> Option<EmailId> {
        self.get_key(&email_key(text, self.book.mode))
    }

    /// The id of the email whose key is `key`, if known.
    fn get_key(&self, key: &str) -> Option<EmailId> {
        self.book.ids.get(key).or_else(|| self.local_ids.get(key)).copied()
    }

    fn entry(&self, id: EmailId) -> &Entry {
        let i = id.index();
        match self.book.entries.get(i) {
            Some(e) => e,
            None => &self.local[i - self.book.entries.len()],
        }
    }

    /// The email as written.
    pub fn text(&self, id: EmailId) -> &str {
        &self.entry(id).text
    }

    /// Index of its domain in the scenario's `domains`, when listed.
    pub fn domain(&self, id: EmailId) -> Option<usize> {
        self.entry(id).domain.map(usize::from)
    }

    /// True when `local@domain.tld`.
    pub fn is_valid(&self, id: EmailId) -> bool {
        self.entry(id).valid
    }

    /// Number of ids in use (book and local).
    pub fn len(&self) -> usize {
        self.book.len() + self.local.len()
    }

    /// True when no email is known.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domains() -> Vec<DomainSpec> {
        vec![DomainSpec { name: "acme.com".into(), share: 0.0 }]
    }

    #[test]
    fn keys_follow_the_email_match_assumption() {
        let mut book = EmailBook::new(EmailMatch::CaseInsensitive, &domains());
        let a = book.intern("Ann@Acme.com");
        assert_eq!(book.intern("ann@acme.com"), a);
        let mut sensitive = EmailBook::new(EmailMatch::CaseSensitive, &domains());
        assert_ne!(sensitive.intern("Ann@acme.com"), sensitive.intern("ann@acme.com"));
    }

    #[test]
    fn overlays_extend_the_book_without_changing_it() {
        let mut book = EmailBook::new(EmailMatch::CaseInsensitive, &domains());
        let a = book.intern("a@acme.com");
        let mut one = Emails::new(&book);
        let mut two = Emails::new(&book);
        let x = one.intern("x@other.org");
        assert_eq!(one.intern("A@ACME.com"), a);
        assert_eq!(x, EmailId(1));
        assert_eq!(two.get("x@other.org"), None);
        assert_eq!(two.intern("y@acme.com"), EmailId(1));
        assert_eq!(one.text(x), "x@other.org");
        assert_eq!(one.domain(a), Some(0));
        assert_eq!(one.domain(x), None);
        assert!(one.is_valid(x));
        let bad = two.intern("bad");
        assert!(!two.is_valid(bad));
        assert_eq!(book.len(), 1);
    }
}
