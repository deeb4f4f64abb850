//! [`Customer`] and the [`Consent`] flags that gate contact and analytics.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{CustomerId, Personal};

/// What a customer has agreed to. Everything defaults to `false`: consent is
/// given, never assumed (PIPL art. 14, GDPR art. 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Consent {
    /// May be invited to surveys.
    pub survey_contact: bool,
    /// May be called back or followed up (回访).
    pub follow_up_calls: bool,
    /// May be included in analytics exports.
    pub analytics: bool,
}

impl Consent {
    /// No consent at all (the default).
    pub fn none() -> Self {
        Self::default()
    }
    /// Consent to everything.
    pub fn all() -> Self {
        Self {
            survey_contact: true,
            follow_up_calls: true,
            analytics: true,
        }
    }
    /// Set survey-contact consent.
    pub fn survey_contact(mut self, yes: bool) -> Self {
        self.survey_contact = yes;
        self
    }
    /// Set follow-up-call consent.
    pub fn follow_up_calls(mut self, yes: bool) -> Self {
        self.follow_up_calls = yes;
        self
    }
    /// Set analytics consent.
    pub fn analytics(mut self, yes: bool) -> Self {
        self.analytics = yes;
        self
    }
}

/// A customer: identifier, segment, free attributes, consent and personal contact data.
///
/// # Examples
/// ```
/// use cx_core::model::{Consent, Customer, CustomerId};
/// let c = Customer::new(CustomerId::new("C001")?)
///     .with_segment("VIP")
///     .with_consent(Consent::none().analytics(true))
///     .with_phone("13800138000");
/// assert!(c.consent.analytics && !c.consent.follow_up_calls);
/// assert!(!format!("{c:?}").contains("13800138000"));
/// # Ok::<(), cx_core::CxError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Customer {
    /// Identifier.
    pub id: CustomerId,
    /// Segment label (e.g. "VIP", "新客").
    pub segment: Option<String>,
    /// Free attributes (region, tier, ...).
    pub attributes: BTreeMap<String, String>,
    /// Consent flags.
    pub consent: Consent,
    /// Name (personal data).
    pub name: Option<Personal<String>>,
    /// Phone number (personal data).
    pub phone: Option<Personal<String>>,
    /// E-mail address (personal data).
    pub email: Option<Personal<String>>,
}

impl Customer {
    /// A customer with no segment, attributes, consent or contact data.
    pub fn new(id: CustomerId) -> Self {
        Self {
            id,
            segment: None,
            attributes: BTreeMap::new(),
            consent: Consent::none(),
            name: None,
            phone: None,
            email: None,
        }
    }
    /// Set the segment.
    pub fn with_segment(mut self, segment: impl Into<String>) -> Self {
        self.segment = Some(segment.into());
        self
    }
    /// Set one attribute.
    pub fn with_attribute(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes.insert(key.into(), value.into());
        self
    }
    /// Set the consent flags.
    pub fn with_consent(mut self, consent: Consent) -> Self {
        self.consent = consent;
        self
    }
    /// Set the name.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(Personal::new(name.into()));
        self
    }
    /// Set the phone number.
    pub fn with_phone(mut self, phone: impl Into<String>) -> Self {
        self.phone = Some(Personal::new(phone.into()));
        self
    }
    /// Set the e-mail address.
    pub fn with_email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(Personal::new(email.into()));
        self
    }
}
