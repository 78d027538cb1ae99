//! The shared vocabulary of every layer: newtype identifiers, interned email keys, simulated
//! time and product sets.

use std::fmt;
use std::marker::PhantomData;
use std::ops::Add;

/// An identifier that is a dense index (people, accounts, groups, records).
pub trait DenseId: Copy {
    /// The id as a vector index.
    fn to_index(self) -> usize;
    /// The id of the element at `index`.
    fn of_index(index: usize) -> Self;
}

/// A set of dense ids as a bit set: insert, remove and membership without hashing, and
/// iteration in ascending id order (so nothing needs sorting after it).
#[derive(Clone, PartialEq, Eq)]
pub struct IdSet<I> {
    words: Vec<u64>,
    len: usize,
    id: PhantomData<I>,
}

impl<I> Default for IdSet<I> {
    fn default() -> Self {
        IdSet { words: Vec::new(), len: 0, id: PhantomData }
    }
}

impl<I: DenseId> IdSet<I> {
    /// Adds `id`; false when it was already in.
    pub fn insert(&mut self, id: I) -> bool {
        let (w, bit) = (id.to_index() / 64, 1u64 << (id.to_index() % 64));
        if w >= self.words.len() {
            self.words.resize(w + 1, 0);
        }
        let fresh = self.words[w] & bit == 0;
        self.words[w] |= bit;
        self.len += usize::from(fresh);
        fresh
    }

    /// Removes `id`; false when it was not in.
    pub fn remove(&mut self, id: &I) -> bool {
        let (w, bit) = (id.to_index() / 64, 1u64 << (id.to_index() % 64));
        let Some(word) = self.words.get_mut(w) else { return false };
        let present = *word & bit != 0;
        *word &= !bit;
        self.len -= usize::from(present);
        present
    }

    /// True when `id` is in.
    pub fn contains(&self, id: &I) -> bool {
        let i = id.to_index();
        self.words.get(i / 64).is_some_and(|w| w & (1u64 << (i % 64)) != 0)
    }

    /// Number of ids in the set.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The ids, ascending.
    pub fn iter(&self) -> impl Iterator<Item = I> + '_ {
        self.words.iter().enumerate().flat_map(|(w, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    I::of_index(w * 64 + bit)
                })
            })
        })
    }
}

/// A map from dense ids to values as a vector indexed by id (no hashing).
#[derive(Clone, PartialEq, Eq)]
pub struct IdMap<K, V> {
    values: Vec<Option<V>>,
    len: usize,
    key: PhantomData<K>,
}

impl<K, V> Default for IdMap<K, V> {
    fn default() -> Self {
        IdMap { values: Vec::new(), len: 0, key: PhantomData }
    }
}

impl<K: DenseId, V> IdMap<K, V> {
    /// Sets the value of `k`, returning the one it replaces.
    pub fn insert(&mut self, k: K, v: V) -> Option<V> {
        let i = k.to_index();
        if i >= self.values.len() {
            self.values.resize_with(i + 1, || None);
        }
        let old = self.values[i].replace(v);
        self.len += usize::from(old.is_none());
        old
    }

    /// Removes the value of `k`.
    pub fn remove(&mut self, k: &K) -> Option<V> {
        let old = self.values.get_mut(k.to_index()).and_then(Option::take);
        self.len -= usize::from(old.is_some());
        old
    }

    /// The value of `k`.
    pub fn get(&self, k: &K) -> Option<&V> {
        self.values.get(k.to_index()).and_then(Option::as_ref)
    }

    /// Removes every value.
    pub fn clear(&mut self) {
        self.values.clear();
        self.len = 0;
    }

    /// Number of keys with a value.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The keys and values, ascending by key.
    pub fn iter(&self) -> impl Iterator<Item = (K, &V)> + '_ {
        self.values.iter().enumerate().filter_map(|(i, v)| v.as_ref().map(|v| (K::of_index(i), v)))
    }

    /// The keys, ascending.
    pub fn keys(&self) -> impl Iterator<Item = K> + '_ {
        self.iter().map(|(k, _)| k)
    }

    /// The values, by ascending key.
    pub fn values(&self) -> impl Iterator<Item = &V> + '_ {
        self.iter().map(|(_, v)| v)
    }
}

impl<K: DenseId + fmt::Debug, V: fmt::Debug> fmt::Debug for IdMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<I: DenseId + fmt::Debug> fmt::Debug for IdSet<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

macro_rules! index_id {
    ($(#[doc = $doc:literal])* $name:ident) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(pub u32);

        impl $name {
            /// The id as a vector index.
            pub fn index(self) -> usize {
                self.0 as usize
            }

            /// The id of the element at `index`.
            ///
            /// Indices are bounded by the validated size limits (far below `u32::MAX`).
            pub fn from_index(index: usize) -> Self {
                $name(u32::try_from(index).unwrap_or(u32::MAX))
            }
        }

        impl DenseId for $name {
            fn to_index(self) -> usize {
                self.index()
            }
            fn of_index(index: usize) -> Self {
                Self::from_index(index)
            }
        }
    };
}

index_id!(
    /// A person: an index into the scenario's people followed by joiners.
    PersonId
);
impl PersonId {
    /// The owner of an account that belongs to nobody (R17: a test or service account an
    /// admin created): no person metric counts it.
    pub const NOBODY: PersonId = PersonId(u32::MAX);

    /// True for [`PersonId::NOBODY`].
    pub fn is_nobody(self) -> bool {
        self == PersonId::NOBODY
    }
}

index_id!(
    /// An Atlassian account.
    AccountId
);
index_id!(
    /// A group name of the scenario (shared by server, IdP and cloud).
    GroupId
);
index_id!(
    /// A SCIM record in the provisioning directory.
    RecordId
);

/// An interned email key (see `sim::emails`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EmailId(pub u32);

impl EmailId {
    /// As a vector index.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Where an account came from (DESIGN §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Existed before the migration (`cloud_email`).
    PreExisting,
    /// Created by a migration assistant.
    Migration,
    /// Created by SCIM provisioning.
    Scim,
    /// Created by a user signing in with an email no account held.
    SelfSignup,
    /// Placeholder created by a migration for an invalid or duplicated email.
    Placeholder,
    /// Invited by an admin (R17 `create_account`).
    Admin,
}

impl Origin {
    /// Every origin, in report order.
    pub const ALL: [Origin; 6] = [
        Origin::PreExisting,
        Origin::Migration,
        Origin::Scim,
        Origin::SelfSignup,
        Origin::Placeholder,
        Origin::Admin,
    ];

    /// Binding name (DESIGN §2).
    pub fn name(self) -> &'static str {
        match self {
            Origin::PreExisting => "pre_existing",
            Origin::Migration => "migration",
            Origin::Scim => "scim",
            Origin::SelfSignup => "self_signup",
            Origin::Placeholder => "placeholder",
            Origin::Admin => "admin",
        }
    }
}

/// Simulated time: integer seconds since the scenario start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SimTime(pub i64);

impl SimTime {
    /// Time of a (possibly fractional) day, rounded to the nearest second.
    pub fn from_days(days: f64) -> SimTime {
        SimTime((days * 86_400.0).round() as i64)
    }
}

impl Add<i64> for SimTime {
    type Output = SimTime;
    fn add(self, seconds: i64) -> SimTime {
        SimTime(self.0.saturating_add(seconds))
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        let (d, rem) = (s.div_euclid(86_400), s.rem_euclid(86_400));
        write!(f, "day {d} {:02}:{:02}:{:02}", rem / 3600, rem % 3600 / 60, rem % 60)
    }
}

/// A set of products as a bit set (at most 64 products).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ProductSet(pub u64);

impl ProductSet {
    /// The empty set.
    pub const EMPTY: ProductSet = ProductSet(0);

    /// The set holding product `index`.
    pub fn single(index: usize) -> ProductSet {
        ProductSet(1u64 << index)
    }

    /// True when no product is in the set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Union.
    pub fn union(self, other: ProductSet) -> ProductSet {
        ProductSet(self.0 | other.0)
    }

    /// Products in `self` but not in `other`.
    pub fn minus(self, other: ProductSet) -> ProductSet {
        ProductSet(self.0 & !other.0)
    }

    /// Intersection.
    pub fn intersect(self, other: ProductSet) -> ProductSet {
        ProductSet(self.0 & other.0)
    }

    /// Number of products.
    pub fn len(self) -> u32 {
        self.0.count_ones()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_to_the_nearest_second() {
        assert_eq!(SimTime::from_days(1.0), SimTime(86_400));
        assert_eq!(SimTime::from_days(0.5), SimTime(43_200));
        assert_eq!(SimTime::from_days(1.0 / 86_400.0 * 0.6), SimTime(1));
        assert_eq!(SimTime(90_061).to_string(), "day 1 01:01:01");
    }

    #[test]
    fn product_sets_behave_as_sets() {
        let a = ProductSet::single(0).union(ProductSet::single(3));
        let b = ProductSet::single(3);
        assert_eq!(a.minus(b), ProductSet::single(0));
        assert_eq!(a.intersect(b), b);
        assert_eq!(a.len(), 2);
        assert!(ProductSet::EMPTY.is_empty());
    }

    #[test]
    fn id_sets_insert_remove_and_iterate_in_order() {
        let mut s: IdSet<PersonId> = IdSet::default();
        assert!(s.is_empty());
        for i in [130, 3, 64, 63, 0, 3] {
            s.insert(PersonId(i));
        }
        assert_eq!(s.len(), 5);
        assert!(!s.insert(PersonId(64)));
        assert_eq!(s.iter().collect::<Vec<_>>(), [0, 3, 63, 64, 130].map(PersonId));
        assert!(s.remove(&PersonId(63)));
        assert!(!s.remove(&PersonId(63)));
        assert!(!s.remove(&PersonId(10_000)));
        assert!(s.contains(&PersonId(130)) && !s.contains(&PersonId(63)) && !s.contains(&PersonId(9_999)));
        assert_eq!(s.len(), 4);
        assert_eq!(format!("{s:?}"), "{PersonId(0), PersonId(3), PersonId(64), PersonId(130)}");
    }

    #[test]
    fn id_maps_insert_remove_and_iterate_in_order() {
        let mut m: IdMap<PersonId, AccountId> = IdMap::default();
        assert_eq!(m.insert(PersonId(70), AccountId(1)), None);
        assert_eq!(m.insert(PersonId(2), AccountId(2)), None);
        assert_eq!(m.insert(PersonId(70), AccountId(3)), Some(AccountId(1)));
        assert_eq!(m.len(), 2);
        assert_eq!(m.get(&PersonId(70)), Some(&AccountId(3)));
        assert_eq!(m.get(&PersonId(5)), None);
        assert_eq!(m.get(&PersonId(500)), None);
        assert_eq!(m.keys().collect::<Vec<_>>(), [PersonId(2), PersonId(70)]);
        assert_eq!(m.values().copied().collect::<Vec<_>>(), [AccountId(2), AccountId(3)]);
        assert_eq!(m.remove(&PersonId(2)), Some(AccountId(2)));
        assert_eq!(m.remove(&PersonId(2)), None);
        assert_eq!(m.remove(&PersonId(900)), None);
        assert_eq!(m.len(), 1);
        m.clear();
        assert!(m.is_empty() && m.get(&PersonId(70)).is_none());
    }
}
