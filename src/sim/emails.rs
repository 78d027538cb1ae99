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
//!
//! A generated person's emails are found by their structure rather than by a hash of their
//! text: their local part names the person (`u{i}`, `u{i}.old`, `u{i}.alias`, `user{i}.upn`,
//! see `population.rs`), so [`owner_of`] reads `i` from a key and the few emails of slot `i`
//! are compared with it. An email [`EmailBook::intern_owned`] adds for slot `i` is kept in that
//! slot only when its key names `i` (and a slot is free); any other goes into the hash map. So
//! every email is found by exactly one of the two whatever wrote it — a file's email that
//! equals a generated one, in any case under `case_insensitive`, gets the generated one's id —
//! and the ids are those that interning every text through the hash map would give.

pub use crate::ids::EmailId;
use crate::input::email::{domain_of, email_key, is_valid};
use crate::input::scenario::{DomainSpec, EmailMatch};
use rustc_hash::FxHashMap;

/// What is known of one email.
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// The email as first written: `texts[start..end]` of its table.
    start: u32,
    end: u32,
    /// Index of its domain in the scenario's `domains`, when listed.
    domain: Option<u16>,
    /// `local@domain.tld`.
    valid: bool,
}

/// Emails in order of their ids, their texts in one string (one allocation, not one each).
#[derive(Debug, Clone, Default)]
struct Table {
    texts: String,
    entries: Vec<Entry>,
}

impl Table {
    fn push(&mut self, text: &str, domains: &[String]) {
        let start = offset(self.texts.len());
        self.texts.push_str(text);
        let domain = domain_index(text, domains).and_then(|i| u16::try_from(i).ok());
        self.entries.push(Entry { start, end: offset(self.texts.len()), domain, valid: is_valid(text) });
    }

    fn text(&self, e: &Entry) -> &str {
        &self.texts[e.start as usize..e.end as usize]
    }
}

/// A text offset (a replication's emails stay far below 4 GiB: the validated size limits).
fn offset(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// No email in a slot of [`EmailBook::owned`].
const NONE: u32 = u32::MAX;
/// Emails kept per person slot (a generated person has at most four distinct ones).
const PER_OWNER: usize = 4;

/// The person slot a key's local part names: `u{i}` or `user{i}`, then the end of the local
/// part or a `.`; `i` in decimal without leading zeros. `None` for any other key.
pub fn owner_of(key: &str) -> Option<usize> {
    let local = key.rsplit_once('@').map_or(key, |(l, _)| l);
    let rest = local.strip_prefix('u')?;
    let rest = rest.strip_prefix("ser").unwrap_or(rest);
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let after = rest.as_bytes().get(digits);
    if digits == 0 || (digits > 1 && rest.starts_with('0')) || after.is_some_and(|&b| b != b'.') {
        return None;
    }
    rest[..digits].parse().ok()
}

/// The emails of one replication, shared by its strategies.
#[derive(Debug, Clone)]
pub struct EmailBook {
    mode: EmailMatch,
    domains: Vec<String>,
    table: Table,
    /// Emails found by their structure: slot `i` holds ids of emails whose key names `i`.
    owned: Vec<[u32; PER_OWNER]>,
    /// Every other email, by key.
    ids: FxHashMap<Box<str>, EmailId>,
}

impl EmailBook {
    /// An empty book for the scenario's domains and email-match assumption.
    pub fn new(mode: EmailMatch, domains: &[DomainSpec]) -> EmailBook {
        EmailBook {
            mode,
            domains: domains.iter().map(|d| d.name.clone()).collect(),
            table: Table::default(),
            owned: Vec::new(),
            ids: FxHashMap::default(),
        }
    }

    /// The id of `text`, adding it when new.
    pub fn intern(&mut self, text: &str) -> EmailId {
        self.intern_as(None, text)
    }

    /// The id of `text`, an email of person slot `owner` (a generated person, whose emails
    /// name their slot), adding it when new: kept in the slot when its key names `owner`.
    pub fn intern_owned(&mut self, owner: usize, text: &str) -> EmailId {
        self.intern_as(Some(owner), text)
    }

    fn intern_as(&mut self, owner: Option<usize>, text: &str) -> EmailId {
        let key = email_key(text, self.mode);
        if let Some(id) = self.get_key(&key) {
            return id;
        }
        let id = EmailId(offset(self.table.entries.len()));
        self.table.push(text, &self.domains);
        let slot = owner.filter(|&o| owner_of(&key) == Some(o)).and_then(|o| {
            if self.owned.len() <= o {
                self.owned.resize(o + 1, [NONE; PER_OWNER]);
            }
            self.owned[o].iter_mut().find(|s| **s == NONE)
        });
        match slot {
            Some(s) => *s = id.0,
            None => {
                self.ids.insert(key.into_owned().into_boxed_str(), id);
            }
        }
        id
    }

    /// The id of `text`, if known.
    pub fn get(&self, text: &str) -> Option<EmailId> {
        self.get_key(&email_key(text, self.mode))
    }

    /// The id of the email whose key is `key`, if known.
    fn get_key(&self, key: &str) -> Option<EmailId> {
        let owned = owner_of(key).and_then(|o| self.owned.get(o)).and_then(|slot| {
            slot.iter()
                .take_while(|&&id| id != NONE)
                .copied()
                .find(|&id| email_key(self.table.text(&self.table.entries[id as usize]), self.mode) == key)
        });
        owned.map(EmailId).or_else(|| self.ids.get(key).copied())
    }

    /// Number of emails.
    pub fn len(&self) -> usize {
        self.table.entries.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.table.entries.is_empty()
    }
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
    local: Table,
    local_ids: FxHashMap<Box<str>, EmailId>,
}

impl<'b> Emails<'b> {
    /// A view of `book` with nothing added.
    pub fn new(book: &'b EmailBook) -> Emails<'b> {
        Emails { book, local: Table::default(), local_ids: FxHashMap::default() }
    }

    /// The id of `text`, adding it to this world when new.
    pub fn intern(&mut self, text: &str) -> EmailId {
        let key = email_key(text, self.book.mode);
        if let Some(id) = self.get_key(&key) {
            return id;
        }
        let id = EmailId(offset(self.book.len() + self.local.entries.len()));
        self.local.push(text, &self.book.domains);
        self.local_ids.insert(key.into_owned().into_boxed_str(), id);
        id
    }

    /// The id of `text`, if known.
    pub fn get(&self, text: &str) -> Option<EmailId> {
        self.get_key(&email_key(text, self.book.mode))
    }

    /// The id of the email whose key is `key`, if known.
    fn get_key(&self, key: &str) -> Option<EmailId> {
        self.book.get_key(key).or_else(|| self.local_ids.get(key).copied())
    }

    fn table_entry(&self, id: EmailId) -> (&Table, &Entry) {
        let i = id.index();
        match self.book.table.entries.get(i) {
            Some(e) => (&self.book.table, e),
            None => (&self.local, &self.local.entries[i - self.book.len()]),
        }
    }

    /// The email as written.
    pub fn text(&self, id: EmailId) -> &str {
        let (table, e) = self.table_entry(id);
        table.text(e)
    }

    /// Index of its domain in the scenario's `domains`, when listed.
    pub fn domain(&self, id: EmailId) -> Option<usize> {
        self.table_entry(id).1.domain.map(usize::from)
    }

    /// True when `local@domain.tld`.
    pub fn is_valid(&self, id: EmailId) -> bool {
        self.table_entry(id).1.valid
    }

    /// Number of ids in use (book and local).
    pub fn len(&self) -> usize {
        self.book.len() + self.local.entries.len()
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

    #[test]
    fn owners_are_read_from_the_local_part() {
        assert_eq!(owner_of("u12@acme.com"), Some(12));
        assert_eq!(owner_of("u0.old@acme.com"), Some(0));
        assert_eq!(owner_of("user7.upn@acme.com"), Some(7));
        assert_eq!(owner_of("u3"), Some(3));
        assert_eq!(owner_of("u3.alias@x.org"), Some(3));
        for none in
            ["u@a.com", "u01@a.com", "u1x@a.com", "joiner1@a.com", "x1@a.com", "U1@a.com", "us1@a.com"]
        {
            assert_eq!(owner_of(none), None, "{none}");
        }
    }

    /// An email written elsewhere (a file, a drift, a domain move) that equals a generated
    /// person's email resolves to the same id, in any case under `case_insensitive`; the ids are
    /// the ones interning everything through the hash map gives.
    #[test]
    fn a_written_email_equal_to_a_generated_one_gets_its_id() {
        let domains = vec![
            DomainSpec { name: "acme.com".into(), share: 1.0 },
            DomainSpec { name: "Legacy.com".into(), share: 0.0 },
        ];
        let texts = [
            (0, "u0@acme.com"),
            (0, "u0.old@acme.com"),
            (1, "u1@Legacy.com"),
            (1, "u0@acme.com"), // a duplicated server email: person 0's
            (1, "user1.upn@acme.com"),
            (2, "u2"),
            (2, "joiner5@acme.com"), // names no slot: hashed
            (3, "u3@acme.com"),
            (3, "u3.a@acme.com"),
            (3, "u3.b@acme.com"),
            (3, "u3.c@acme.com"),
            (3, "u3.d@acme.com"), // a fifth email of slot 3: hashed
        ];
        for mode in [EmailMatch::CaseInsensitive, EmailMatch::CaseSensitive] {
            let (mut owned, mut hashed) = (EmailBook::new(mode, &domains), EmailBook::new(mode, &domains));
            for (owner, text) in texts {
                assert_eq!(owned.intern_owned(owner, text), hashed.intern(text), "{text}");
            }
            assert_eq!(owned.len(), hashed.len());
            let written =
                ["U0@ACME.COM", "u1@legacy.com", "USER1.upn@Acme.com", "u2", "U3.D@acme.com", "u9@acme.com"];
            for text in written {
                assert_eq!(owned.get(text), hashed.get(text), "{text} in {mode:?}");
            }
            let (mut one, mut two) = (Emails::new(&owned), Emails::new(&hashed));
            for text in written.iter().chain(&["u3.e@acme.com", "JOINER5@acme.com", "u0.old@acme.com"]) {
                let id = one.intern(text);
                assert_eq!(id, two.intern(text), "{text} in {mode:?}");
                assert_eq!(one.text(id), two.text(id));
                assert_eq!((one.domain(id), one.is_valid(id)), (two.domain(id), two.is_valid(id)));
            }
        }
        let mut book = EmailBook::new(EmailMatch::CaseInsensitive, &domains);
        let generated = book.intern_owned(0, "u0@acme.com");
        assert_eq!(book.intern("U0@Acme.Com"), generated, "a file's email in other case");
        assert_eq!(Emails::new(&book).text(generated), "u0@acme.com");
        let mut sensitive = EmailBook::new(EmailMatch::CaseSensitive, &domains);
        let generated = sensitive.intern_owned(0, "u0@acme.com");
        assert_ne!(sensitive.intern("U0@acme.com"), generated, "case_sensitive keeps them apart");
        assert_eq!(sensitive.intern("u0@acme.com"), generated);
    }
}
