//! The shared vocabulary of every layer: newtype identifiers, interned email keys, simulated
//! time and product sets.

use std::fmt;
use std::ops::Add;

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
}
