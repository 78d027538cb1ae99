//! Checks of the names everything else refers to: the products, the domains (and their
//! shares of IdP emails) and the groups (their grants and shares), each added to its name
//! table so that later parts resolve references to indices.

use super::{Checker, is_domain_name};
use crate::ids::{GroupId, ProductSet};
use crate::input::raw;
use crate::input::reader::{Items, JsonPath};
use crate::input::scenario::*;

impl Checker<'_> {
    /// Adds the products to their name table; at most [`limits::MAX_PRODUCTS`].
    pub(super) fn check_products(&mut self, products: &[String]) {
        let root = JsonPath::root();
        if products.len() > limits::MAX_PRODUCTS {
            self.problems.push(
                &root.key("products"),
                format!("at most {} products are supported", limits::MAX_PRODUCTS),
            );
        }
        for (i, p) in products.iter().enumerate().take(limits::MAX_PRODUCTS) {
            self.products.add(p, &root.key("products").index(i), self.problems);
        }
    }

    pub(super) fn check_domains(&mut self, domains: &Items<raw::DomainFile>) -> Vec<DomainSpec> {
        let at = JsonPath::root().key("domains");
        let mut out = Vec::new();
        for (i, d) in domains.iter() {
            let name = d.name.to_lowercase();
            let here = at.index(i);
            // A control character is reported by the name table.
            if !is_domain_name(&name) && !name.chars().any(crate::input::reader::needs_escape) {
                self.problems.push_hint(
                    &here.key("name"),
                    format!("`{}` is not a domain name", d.name),
                    "write the part after @, e.g. `acme.com`",
                );
            }
            self.domains.add(&name, &here.key("name"), self.problems);
            let share = d.share.map_or(0.0, |s| self.share(s, &here.key("share")));
            out.push(DomainSpec { name, share });
        }
        let total: f64 = out.iter().map(|d| d.share).sum();
        if domains.iter().any(|(_, d)| d.share.is_some()) && (total - 1.0).abs() > 1e-9 {
            self.problems.push_hint(
                &at,
                format!("domain shares add up to {}, not 1", crate::format::format_number(total)),
                "give every domain that holds IdP emails a share so that they add up to 1",
            );
        }
        out
    }

    fn product_set(&mut self, names: &[String], at: &JsonPath) -> ProductSet {
        let mut set = ProductSet::EMPTY;
        for (i, name) in names.iter().enumerate() {
            if let Some(p) = self.products.get(name, &at.index(i), self.problems) {
                set = set.union(ProductSet::single(p));
            }
        }
        set
    }

    pub(super) fn check_groups(&mut self, groups: &Items<raw::GroupFile>) -> Vec<GroupSpec> {
        let at = JsonPath::root().key("groups");
        if groups.len() > limits::MAX_GROUPS {
            self.problems.push(&at, format!("at most {} groups are supported", limits::MAX_GROUPS));
        }
        let mut out = Vec::new();
        for (i, g) in groups.iter() {
            let here = at.index(i);
            self.groups.add(&g.name, &here.key("name"), self.problems);
            let grants = self.product_set(g.grants.as_deref().unwrap_or_default(), &here.key("grants"));
            let cloud_grants =
                g.cloud_grants.as_ref().map(|c| self.product_set(c, &here.key("cloud_grants")));
            if cloud_grants.is_some() {
                self.group_has_cloud_grants.insert(i);
            }
            let members_share = g.members_share.map_or(0.0, |s| self.share(s, &here.key("members_share")));
            let idp_disagreement_share =
                g.idp_disagreement_share.map_or(0.0, |s| self.share(s, &here.key("idp_disagreement_share")));
            out.push(GroupSpec {
                name: g.name.clone(),
                grants,
                default_access: g.default_access.unwrap_or(false),
                synced_from_idp: g.synced_from_idp.unwrap_or(false),
                cloud_grants,
                members_share,
                idp_disagreement_share,
            });
        }
        out
    }

    pub(super) fn group_list(&mut self, names: &[String], at: &JsonPath) -> Vec<GroupId> {
        let mut out: Vec<GroupId> = Vec::new();
        for (i, name) in names.iter().enumerate() {
            if let Some(g) = self.groups.get(name, &at.index(i), self.problems) {
                let g = GroupId::from_index(g);
                if out.contains(&g) {
                    self.problems.push(&at.index(i), format!("group `{name}` is listed twice"));
                } else {
                    out.push(g);
                }
            }
        }
        out
    }
}
