#include "customer_svc/domain/customer_import.h"

#include <future>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_format.h"
#include "common/api/fingerprint.h"
#include "common/api/quote.h"
#include "common/api/resource_name.h"
#include "common/api/time_util.h"
#include "common/api/validation.h"
#include "common/audit/audit_log.h"
#include "common/base/sha256.h"
#include "customer_svc/domain/customer_validation.h"
#include "customer_svc/domain/duplicate_rules.h"
#include "customer_svc/domain/lifecycle.h"
#include "customer_svc/domain/update_rules.h"

namespace crm::customer {
namespace {

using crm::common::v1::AuditAction;
using crm::common::v1::AuditEntry;

constexpr std::string_view kCustomers = "customers";
constexpr std::string_view kMethod = "crm.customer.v1.CustomerService/ImportCustomers";

// One row as received: its id, its data with output-only fields cleared, and
// (when valid) its stored form.
struct Row {
  std::string row_id;
  v1::Customer raw;
  v1::Customer normalized;
  absl::Status validation;
};

// The field a validation message names: "customer.email: must be ..." →
// "customer.email".
std::string FieldOf(const absl::Status& status) {
  const std::string message(status.message());
  const size_t colon = message.find(": ");
  if (colon == std::string::npos || message.find(' ') < colon) return "";
  return message.substr(0, colon);
}

void Fail(v1::ImportRowResult& result, const absl::Status& status) {
  result.set_outcome(v1::IMPORT_ROW_OUTCOME_FAILED);
  result.set_customer("");
  result.set_error_field(FieldOf(status));
  result.set_error_message(std::string(status.message()));
}

void Fail(v1::ImportRowResult& result, std::string_view field, std::string message) {
  result.set_outcome(v1::IMPORT_ROW_OUTCOME_FAILED);
  result.set_error_field(std::string(field));
  result.set_error_message(absl::StrFormat("%s: %s", field, message));
}

std::string ImportModeName(v1::ImportMode mode) {
  return v1::ImportMode_Name(mode);
}

// Who owns an organization key: a live customer or a row of this import that
// creates one.
struct Owner {
  std::optional<int64_t> customer_id;  // existing customer
  size_t create_index = 0;             // else: index into the creations
};

// The customer a created row will become, and the rows that shaped it.
struct Creation {
  size_t row = 0;            // the row that creates it
  v1::Customer customer;     // stored form, without name and times
  int64_t id = 0;            // after the insert
};

// An existing customer an upsert changes, and the result of its rows so far.
struct Change {
  StoredCustomer stored;
  v1::Customer updated;
};

// Copies into `target` the updatable fields `raw` sets, with the values of
// `normalized` (raw after NormalizeCustomer). Fields it does not set stay.
void MergeSetFields(const v1::Customer& raw, const v1::Customer& normalized,
                    v1::Customer& target) {
  if (raw.kind() != v1::CUSTOMER_KIND_UNSPECIFIED) target.set_kind(normalized.kind());
  if (!raw.display_name().empty()) target.set_display_name(normalized.display_name());
  if (!raw.organization_key().web_domain().empty()) {
    target.mutable_organization_key()->set_web_domain(normalized.organization_key().web_domain());
  }
  if (!raw.organization_key().tax_id().empty()) {
    target.mutable_organization_key()->set_tax_id(normalized.organization_key().tax_id());
  }
  if (!raw.parent().empty()) target.set_parent(normalized.parent());
  if (!raw.email().empty()) target.set_email(normalized.email());
  if (!raw.phone().empty()) target.set_phone(normalized.phone());
  if (raw.tier() != v1::TIER_UNSPECIFIED) target.set_tier(normalized.tier());
  if (raw.has_postal_address() && raw.postal_address().ByteSizeLong() > 0) {
    *target.mutable_postal_address() = normalized.postal_address();
  }
  if (raw.contacts_size() > 0) *target.mutable_contacts() = normalized.contacts();
  if (raw.needs().tags_size() > 0) {
    *target.mutable_needs()->mutable_tags() = normalized.needs().tags();
  }
  if (!raw.needs().text().empty()) target.mutable_needs()->set_text(normalized.needs().text());
  if (raw.has_source() && raw.source().ByteSizeLong() > 0) {
    *target.mutable_source() = normalized.source();
  }
}

// An upsert row may not do what has its own RPC: move the stage or change
// consents. OK when it leaves both as `existing` has them.
absl::Status CheckUpsertLeavesStageAndConsents(const v1::Customer& raw,
                                               const v1::Customer& existing,
                                               std::string_view target) {
  if (raw.lifecycle_stage() != v1::LIFECYCLE_STAGE_UNSPECIFIED &&
      raw.lifecycle_stage() != existing.lifecycle_stage()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "customer.lifecycle_stage: an import does not move %s from %s to %s; use "
        "TransitionLifecycleStage",
        target, StageName(existing.lifecycle_stage()), StageName(raw.lifecycle_stage())));
  }
  for (const auto& [field, wanted, stored] :
       {std::tuple{"customer.consents.marketing", &raw.consents().marketing(),
                   &existing.consents().marketing()},
        std::tuple{"customer.consents.data_sharing", &raw.consents().data_sharing(),
                   &existing.consents().data_sharing()}}) {
    if (wanted->ByteSizeLong() == 0) continue;  // not set in the row
    if (wanted->granted() != stored->granted() || wanted->evidence() != stored->evidence()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: an import does not change the consents of %s; use SetCustomerConsent", field,
          target));
    }
  }
  return absl::OkStatus();
}

// The enabled duplicate rules applied to SKIP_DUPLICATES rows: which known
// customer (live or created earlier in the import) a row matches. A rule with
// an EXACT condition is looked up through that condition's normalized value;
// a rule with only FUZZY conditions is compared with every known customer.
class RuleMatcher {
 public:
  explicit RuleMatcher(std::vector<v1::DuplicateRule> rules) : rules_(std::move(rules)) {
    for (const v1::DuplicateRule& rule : rules_) {
      std::optional<Blocking> blocking;
      for (const v1::MatchCondition& condition : rule.conditions()) {
        std::optional<MatchField> field = ParseMatchField(condition.field_path());
        if (field.has_value() && condition.match_type() != v1::MATCH_TYPE_FUZZY) {
          blocking = Blocking{*field, condition.normalizer()};
          break;
        }
      }
      blocking_.push_back(blocking);
      index_.emplace_back();
    }
  }

  bool empty() const { return rules_.empty(); }

  bool NeedsPostalAddress() const {
    for (const v1::DuplicateRule& rule : rules_) {
      for (const v1::MatchCondition& condition : rule.conditions()) {
        if (ParseMatchField(condition.field_path()) == MatchField::kPostalCode) return true;
      }
    }
    return false;
  }

  void Add(const v1::Customer& customer, const Owner& owner) {
    const size_t position = known_.size();
    known_.push_back(customer);
    owners_.push_back(owner);
    for (size_t r = 0; r < rules_.size(); ++r) {
      if (!blocking_[r].has_value()) continue;
      std::string key = Key(*blocking_[r], customer);
      if (!key.empty()) index_[r][std::move(key)].push_back(position);
    }
  }

  // The first known customer `customer` matches under some rule, oldest first.
  std::optional<Owner> Find(const v1::Customer& customer) const {
    for (size_t r = 0; r < rules_.size(); ++r) {
      if (blocking_[r].has_value()) {
        const std::string key = Key(*blocking_[r], customer);
        if (key.empty()) continue;
        auto found = index_[r].find(key);
        if (found == index_[r].end()) continue;
        for (size_t position : found->second) {
          if (RuleMatches(rules_[r], customer, known_[position])) return owners_[position];
        }
      } else {
        for (size_t position = 0; position < known_.size(); ++position) {
          if (RuleMatches(rules_[r], customer, known_[position])) return owners_[position];
        }
      }
    }
    return std::nullopt;
  }

 private:
  struct Blocking {
    MatchField field;
    v1::Normalizer normalizer;
  };

  static std::string Key(const Blocking& blocking, const v1::Customer& customer) {
    return NormalizeValue(blocking.normalizer, MatchFieldValue(customer, blocking.field));
  }

  std::vector<v1::DuplicateRule> rules_;
  std::vector<std::optional<Blocking>> blocking_;
  std::vector<absl::flat_hash_map<std::string, std::vector<size_t>>> index_;
  std::vector<v1::Customer> known_;
  std::vector<Owner> owners_;
};

// What an import does inside its transaction; built fresh for every attempt
// (a deadlock runs the transaction again).
class ImportRun {
 public:
  ImportRun(const common::CallContext& call, v1::ImportMode mode, std::string_view request_id,
            const std::vector<Row>& rows, absl::Time now, CustomerStore& store)
      : call_(call), mode_(mode), request_id_(request_id), rows_(rows), now_(now),
        now_proto_(common::ToProtoTimestamp(now)), store_(store) {}

  absl::StatusOr<v1::ImportCustomersResponse> Run() {
    response_.mutable_results()->Reserve(static_cast<int>(rows_.size()));
    for (const Row& row : rows_) {
      v1::ImportRowResult& result = *response_.add_results();
      result.set_row_id(row.row_id);
      if (!row.validation.ok()) Fail(result, row.validation);
    }
    if (absl::Status s = LoadKeysAndParents(); !s.ok()) return s;
    if (mode_ == v1::IMPORT_MODE_SKIP_DUPLICATES) {
      if (absl::Status s = LoadDuplicateRules(); !s.ok()) return s;
    }
    for (size_t i = 0; i < rows_.size(); ++i) {
      if (!rows_[i].validation.ok()) continue;
      absl::Status handled = mode_ == v1::IMPORT_MODE_UPSERT_BY_ORGANIZATION_KEY
                                 ? Upsert(i)
                                 : CreateOrSkip(i);
      if (!handled.ok()) return handled;
    }
    if (absl::Status s = WriteCreations(); !s.ok()) return s;
    if (absl::Status s = WriteChanges(); !s.ok()) return s;
    FillNamesAndCounts();
    return std::move(response_);
  }

 private:
  v1::ImportRowResult& ResultOf(size_t row) { return *response_.mutable_results(static_cast<int>(row)); }

  // Which live customers own the rows' keys, and which parents are live.
  absl::Status LoadKeysAndParents() {
    std::vector<std::string> domains, tax_ids;
    std::vector<int64_t> parents;
    absl::flat_hash_set<std::string> seen_domains, seen_tax_ids;
    absl::flat_hash_set<int64_t> seen_parents;
    for (const Row& row : rows_) {
      if (!row.validation.ok()) continue;
      const crm::common::v1::OrganizationKey& key = row.normalized.organization_key();
      if (!key.web_domain().empty() && seen_domains.insert(key.web_domain()).second) {
        domains.push_back(key.web_domain());
      }
      if (!key.tax_id().empty() && seen_tax_ids.insert(key.tax_id()).second) {
        tax_ids.push_back(key.tax_id());
      }
      if (!row.normalized.parent().empty()) {
        absl::StatusOr<int64_t> parent =
            common::ParseResourceId("customer.parent", row.normalized.parent(), kCustomers);
        if (parent.ok() && seen_parents.insert(*parent).second) parents.push_back(*parent);
      }
    }
    absl::StatusOr<absl::flat_hash_map<std::string, int64_t>> by_domain =
        store_.FindLiveByWebDomains(domains);
    if (!by_domain.ok()) return by_domain.status();
    for (auto& [domain, id] : *by_domain) domain_owner_[domain] = Owner{id, 0};
    absl::StatusOr<absl::flat_hash_map<std::string, int64_t>> by_tax_id =
        store_.FindLiveByTaxIds(tax_ids);
    if (!by_tax_id.ok()) return by_tax_id.status();
    for (auto& [tax_id, id] : *by_tax_id) tax_id_owner_[tax_id] = Owner{id, 0};
    absl::StatusOr<absl::flat_hash_set<int64_t>> live = store_.LockLiveCustomerIds(parents);
    if (!live.ok()) return live.status();
    live_parents_ = *std::move(live);
    return absl::OkStatus();
  }

  // The enabled duplicate rules and, when there are any, every live customer
  // they may match.
  absl::Status LoadDuplicateRules() {
    absl::StatusOr<std::vector<v1::DuplicateRule>> rules = store_.LoadEnabledDuplicateRules();
    if (!rules.ok()) return rules.status();
    if (rules->empty()) return absl::OkStatus();
    matcher_.emplace(*std::move(rules));
    return store_.ForEachLiveCustomer(matcher_->NeedsPostalAddress(),
                                      [&](int64_t id, const v1::Customer& customer) {
                                        matcher_->Add(customer, Owner{id, 0});
                                      });
  }

  // FAILED_PRECONDITION-like row failure when the parent is not live (or is
  // the customer itself).
  bool ParentOk(size_t row, const v1::Customer& customer, int64_t self_id) {
    if (customer.parent().empty()) return true;
    absl::StatusOr<int64_t> parent =
        common::ParseResourceId("customer.parent", customer.parent(), kCustomers);
    if (!parent.ok()) {
      Fail(ResultOf(row), parent.status());
      return false;
    }
    if (*parent == self_id) {
      Fail(ResultOf(row), "customer.parent", "a customer cannot be its own parent");
      return false;
    }
    if (!live_parents_.contains(*parent)) {
      Fail(ResultOf(row), "customer.parent",
           absl::StrFormat("%s does not exist or is deleted", customer.parent()));
      return false;
    }
    return true;
  }

  std::string OwnerText(const Owner& owner) const {
    if (owner.customer_id.has_value()) {
      return common::FormatResourceName(kCustomers, *owner.customer_id);
    }
    return absl::StrFormat("the customer of row %s of this import",
                           common::QuoteValue(rows_[creations_[owner.create_index].row].row_id));
  }

  static bool SameOwner(const Owner& a, const Owner& b) {
    if (a.customer_id.has_value() || b.customer_id.has_value()) return a.customer_id == b.customer_id;
    return a.create_index == b.create_index;
  }

  // The owners of the customer's keys (nullopt: no owner).
  std::optional<Owner> DomainOwner(const v1::Customer& customer) const {
    const std::string& domain = customer.organization_key().web_domain();
    if (domain.empty()) return std::nullopt;
    auto found = domain_owner_.find(domain);
    if (found == domain_owner_.end()) return std::nullopt;
    return found->second;
  }
  std::optional<Owner> TaxIdOwner(const v1::Customer& customer) const {
    const std::string& tax_id = customer.organization_key().tax_id();
    if (tax_id.empty()) return std::nullopt;
    auto found = tax_id_owner_.find(tax_id);
    if (found == tax_id_owner_.end()) return std::nullopt;
    return found->second;
  }

  // Fails the row when one of the customer's keys belongs to someone other
  // than `self` (nullopt: the customer is new).
  bool KeysFree(size_t row, const v1::Customer& customer, const std::optional<Owner>& self) {
    if (std::optional<Owner> owner = DomainOwner(customer);
        owner.has_value() && !(self.has_value() && SameOwner(*owner, *self))) {
      Fail(ResultOf(row), "customer.organization_key.web_domain",
           absl::StrFormat("%s is already the web domain of %s",
                           common::QuoteValue(customer.organization_key().web_domain()),
                           OwnerText(*owner)));
      return false;
    }
    if (std::optional<Owner> owner = TaxIdOwner(customer);
        owner.has_value() && !(self.has_value() && SameOwner(*owner, *self))) {
      Fail(ResultOf(row), "customer.organization_key.tax_id",
           absl::StrFormat("%s is already the tax id of %s",
                           common::QuoteValue(customer.organization_key().tax_id()),
                           OwnerText(*owner)));
      return false;
    }
    return true;
  }

  // Moves the key claims of a customer from `before` to `after`.
  void Claim(const v1::Customer* before, const v1::Customer& after, const Owner& owner) {
    const crm::common::v1::OrganizationKey empty;
    const crm::common::v1::OrganizationKey& old_key = before ? before->organization_key() : empty;
    const crm::common::v1::OrganizationKey& new_key = after.organization_key();
    if (old_key.web_domain() != new_key.web_domain()) {
      if (!old_key.web_domain().empty()) domain_owner_.erase(old_key.web_domain());
      if (!new_key.web_domain().empty()) domain_owner_[new_key.web_domain()] = owner;
    }
    if (old_key.tax_id() != new_key.tax_id()) {
      if (!old_key.tax_id().empty()) tax_id_owner_.erase(old_key.tax_id());
      if (!new_key.tax_id().empty()) tax_id_owner_[new_key.tax_id()] = owner;
    }
  }

  void Create(size_t row) {
    const v1::Customer& customer = rows_[row].normalized;
    if (!KeysFree(row, customer, std::nullopt) || !ParentOk(row, customer, 0)) return;
    const Owner owner{std::nullopt, creations_.size()};
    creations_.push_back(Creation{row, customer, 0});
    Claim(nullptr, customer, owner);
    ResultOf(row).set_outcome(v1::IMPORT_ROW_OUTCOME_CREATED);
    row_creation_[row] = owner.create_index;
  }

  absl::Status CreateOrSkip(size_t row) {
    const v1::Customer& customer = rows_[row].normalized;
    if (mode_ == v1::IMPORT_MODE_SKIP_DUPLICATES) {
      std::optional<Owner> owner = DomainOwner(customer);
      if (!owner.has_value()) owner = TaxIdOwner(customer);
      if (!owner.has_value() && matcher_.has_value()) owner = matcher_->Find(customer);
      if (owner.has_value()) {
        ResultOf(row).set_outcome(v1::IMPORT_ROW_OUTCOME_SKIPPED_DUPLICATE);
        if (owner->customer_id.has_value()) {
          ResultOf(row).set_duplicate_of(
              common::FormatResourceName(kCustomers, *owner->customer_id));
        } else {
          row_duplicate_of_[row] = owner->create_index;
        }
        return absl::OkStatus();
      }
    }
    Create(row);
    if (matcher_.has_value() && ResultOf(row).outcome() == v1::IMPORT_ROW_OUTCOME_CREATED) {
      matcher_->Add(customer, Owner{std::nullopt, row_creation_.at(row)});
    }
    return absl::OkStatus();
  }

  absl::Status Upsert(size_t row) {
    const Row& input = rows_[row];
    std::optional<Owner> by_domain = DomainOwner(input.normalized);
    std::optional<Owner> by_tax_id = TaxIdOwner(input.normalized);
    if (by_domain.has_value() && by_tax_id.has_value() && !SameOwner(*by_domain, *by_tax_id)) {
      Fail(ResultOf(row), "customer.organization_key.tax_id",
           absl::StrFormat("%s is the tax id of %s but web domain %s belongs to %s",
                           common::QuoteValue(input.normalized.organization_key().tax_id()),
                           OwnerText(*by_tax_id),
                           common::QuoteValue(input.normalized.organization_key().web_domain()),
                           OwnerText(*by_domain)));
      return absl::OkStatus();
    }
    std::optional<Owner> owner = by_domain.has_value() ? by_domain : by_tax_id;
    if (!owner.has_value()) {
      Create(row);
      return absl::OkStatus();
    }
    if (!owner->customer_id.has_value()) {
      // Updates the customer an earlier row of this import creates.
      Creation& creation = creations_[owner->create_index];
      const std::string target = OwnerText(*owner);
      if (absl::Status s = CheckUpsertLeavesStageAndConsents(input.raw, creation.customer, target);
          !s.ok()) {
        Fail(ResultOf(row), s);
        return absl::OkStatus();
      }
      v1::Customer updated = creation.customer;
      MergeSetFields(input.raw, input.normalized, updated);
      if (absl::Status valid = NormalizeCustomer(updated); !valid.ok()) {
        Fail(ResultOf(row), valid);
        return absl::OkStatus();
      }
      if (!KeysFree(row, updated, owner) || !ParentOk(row, updated, 0)) return absl::OkStatus();
      Claim(&creation.customer, updated, *owner);
      creation.customer = std::move(updated);
      ResultOf(row).set_outcome(v1::IMPORT_ROW_OUTCOME_UPDATED);
      row_creation_[row] = owner->create_index;
      return absl::OkStatus();
    }
    const int64_t id = *owner->customer_id;
    auto change = changes_.find(id);
    if (change == changes_.end()) {
      absl::StatusOr<std::optional<StoredCustomer>> stored = store_.LockCustomer(id);
      if (!stored.ok()) return stored.status();
      if (!stored->has_value() || (*stored)->customer.has_delete_time()) {
        Fail(ResultOf(row), "customer.organization_key",
             absl::StrFormat("the matching %s was deleted meanwhile",
                             common::FormatResourceName(kCustomers, id)));
        return absl::OkStatus();
      }
      Change fresh{**stored, (*stored)->customer};
      change = changes_.emplace(id, std::move(fresh)).first;
      change_order_.push_back(id);
    }
    const std::string target = common::FormatResourceName(kCustomers, id);
    if (absl::Status s = CheckUpsertLeavesStageAndConsents(input.raw, change->second.updated, target);
        !s.ok()) {
      Fail(ResultOf(row), s);
      return absl::OkStatus();
    }
    v1::Customer updated = change->second.updated;
    MergeSetFields(input.raw, input.normalized, updated);
    if (absl::Status valid = NormalizeCustomer(updated); !valid.ok()) {
      Fail(ResultOf(row), valid);
      return absl::OkStatus();
    }
    if (!KeysFree(row, updated, owner)) return absl::OkStatus();
    if (updated.parent() != change->second.stored.customer.parent() &&
        !ParentOk(row, updated, id)) {
      return absl::OkStatus();
    }
    Claim(&change->second.updated, updated, *owner);
    change->second.updated = std::move(updated);
    ResultOf(row).set_outcome(v1::IMPORT_ROW_OUTCOME_UPDATED);
    ResultOf(row).set_customer(target);
    return absl::OkStatus();
  }

  AuditEntry Audit(const std::string& resource, AuditAction action,
                   std::vector<crm::common::v1::FieldChange> changes) const {
    AuditEntry entry = common::MakeAuditEntry(call_, resource, action, std::move(changes),
                                              "customer import", now_);
    if (!request_id_.empty()) entry.set_request_id(std::string(request_id_));
    return entry;
  }

  absl::Status WriteCreations() {
    if (creations_.empty()) return absl::OkStatus();
    std::vector<const v1::Customer*> customers;
    customers.reserve(creations_.size());
    for (Creation& creation : creations_) {
      v1::Customer& customer = creation.customer;
      *customer.mutable_stage_enter_time() = now_proto_;
      *customer.mutable_create_time() = now_proto_;
      *customer.mutable_update_time() = now_proto_;
      for (v1::Consent* consent : {customer.mutable_consents()->mutable_marketing(),
                                   customer.mutable_consents()->mutable_data_sharing()}) {
        if (consent->granted() || !consent->evidence().empty()) {
          *consent->mutable_update_time() = now_proto_;
        }
      }
      if (customer.consents().ByteSizeLong() == 0) customer.clear_consents();
      customers.push_back(&customer);
    }
    // The CREATE audit changes do not depend on the ids (CreateChange leaves
    // the name out), so they are built on a second thread while the database
    // inserts the customers. The future joins before `creations_` changes,
    // also when the insert throws.
    std::future<std::vector<crm::common::v1::FieldChange>> create_changes =
        std::async(std::launch::async, [this] {
          std::vector<crm::common::v1::FieldChange> changes;
          changes.reserve(creations_.size());
          for (const Creation& creation : creations_) {
            changes.push_back(common::CreateChange(creation.customer));
          }
          return changes;
        });
    absl::StatusOr<std::vector<int64_t>> ids = store_.InsertCustomers(customers);
    std::vector<crm::common::v1::FieldChange> changes = create_changes.get();
    if (!ids.ok()) return ids.status();
    std::vector<std::pair<int64_t, v1::LifecycleTransition>> transitions;
    std::vector<AuditEntry> entries;
    transitions.reserve(creations_.size());
    entries.reserve(creations_.size());
    for (size_t i = 0; i < creations_.size(); ++i) {
      Creation& creation = creations_[i];
      creation.id = (*ids)[i];
      creation.customer.set_name(common::FormatResourceName(kCustomers, creation.id));
      v1::LifecycleTransition transition;
      transition.set_from_stage(v1::LIFECYCLE_STAGE_UNSPECIFIED);
      transition.set_to_stage(creation.customer.lifecycle_stage());
      *transition.mutable_transition_time() = now_proto_;
      transition.set_actor(call_.caller.team);
      transition.set_reason("customer imported");
      transitions.emplace_back(creation.id, std::move(transition));
      entries.push_back(Audit(creation.customer.name(), crm::common::v1::AUDIT_ACTION_CREATE,
                              {std::move(changes[i])}));
    }
    if (absl::Status s = store_.InsertTransitions(transitions); !s.ok()) return s;
    return store_.InsertAuditEntries(entries);
  }

  absl::Status WriteChanges() {
    std::vector<AuditEntry> entries;
    for (int64_t id : change_order_) {
      Change& change = changes_.at(id);
      std::vector<crm::common::v1::FieldChange> diff =
          common::DiffMessages(change.stored.customer, change.updated);
      if (diff.empty()) continue;
      *change.updated.mutable_update_time() = now_proto_;
      absl::StatusOr<StoredCustomer> written =
          store_.UpdateCustomer(change.updated, change.stored.version);
      if (!written.ok()) return written.status();
      entries.push_back(Audit(change.updated.name(), crm::common::v1::AUDIT_ACTION_UPDATE,
                              std::move(diff)));
    }
    return store_.InsertAuditEntries(entries);
  }

  void FillNamesAndCounts() {
    for (const auto& [row, index] : row_creation_) {
      ResultOf(row).set_customer(creations_[index].customer.name());
    }
    for (const auto& [row, index] : row_duplicate_of_) {
      ResultOf(row).set_duplicate_of(creations_[index].customer.name());
    }
    for (const v1::ImportRowResult& result : response_.results()) {
      switch (result.outcome()) {
        case v1::IMPORT_ROW_OUTCOME_CREATED:
          response_.set_created_count(response_.created_count() + 1);
          break;
        case v1::IMPORT_ROW_OUTCOME_UPDATED:
          response_.set_updated_count(response_.updated_count() + 1);
          break;
        case v1::IMPORT_ROW_OUTCOME_SKIPPED_DUPLICATE:
          response_.set_skipped_count(response_.skipped_count() + 1);
          break;
        default:
          response_.set_failed_count(response_.failed_count() + 1);
          break;
      }
    }
  }

  const common::CallContext& call_;
  const v1::ImportMode mode_;
  const std::string_view request_id_;
  const std::vector<Row>& rows_;
  const absl::Time now_;
  const google::protobuf::Timestamp now_proto_;
  CustomerStore& store_;

  v1::ImportCustomersResponse response_;
  absl::flat_hash_map<std::string, Owner> domain_owner_;
  absl::flat_hash_map<std::string, Owner> tax_id_owner_;
  absl::flat_hash_set<int64_t> live_parents_;
  std::optional<RuleMatcher> matcher_;
  std::vector<Creation> creations_;
  absl::flat_hash_map<size_t, size_t> row_creation_;      // row → creation it created/updated
  absl::flat_hash_map<size_t, size_t> row_duplicate_of_;  // skipped row → creation it duplicates
  absl::flat_hash_map<int64_t, Change> changes_;
  std::vector<int64_t> change_order_;
};

}  // namespace

CustomerImporter::CustomerImporter(CustomerRepository& repository, Clock clock,
                                   common::ConcurrencyLimit& write_slots)
    : repository_(repository), clock_(std::move(clock)), write_slots_(write_slots) {}

absl::Status CustomerImporter::ImportCustomers(
    const common::CallContext& call, common::StreamReader<v1::ImportCustomersRequest>& stream,
    v1::ImportCustomersResponse& response) {
  v1::ImportMode mode = v1::IMPORT_MODE_UNSPECIFIED;
  std::string request_id;
  std::vector<Row> rows;
  // The fingerprint of the import: its mode and every row, chained through
  // SHA-256 (independent of how the rows were split into messages).
  std::string fingerprint;
  bool first = true;
  v1::ImportCustomersRequest message;
  while (true) {
    absl::StatusOr<bool> got = stream.Read(message);
    if (!got.ok()) return got.status();
    if (!*got) break;
    if (first) {
      if (message.mode() == v1::IMPORT_MODE_UNSPECIFIED ||
          !v1::ImportMode_IsValid(message.mode())) {
        return absl::InvalidArgumentError(
            "mode: required in the first message: IMPORT_MODE_CREATE, "
            "IMPORT_MODE_UPSERT_BY_ORGANIZATION_KEY or IMPORT_MODE_SKIP_DUPLICATES");
      }
      mode = message.mode();
      request_id = message.request_id();
      if (absl::Status valid = common::ValidateRequestId("request_id", request_id); !valid.ok()) {
        return valid;
      }
      fingerprint = common::Sha256(ImportModeName(mode));
      first = false;
    } else if (message.mode() != v1::IMPORT_MODE_UNSPECIFIED && message.mode() != mode) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "mode: must be unset or unchanged after the first message (%s, now %s)",
          ImportModeName(mode), ImportModeName(message.mode())));
    }
    if (message.rows_size() > kMaxImportRowsPerMessage) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "rows: at most %d rows per message, got %d", kMaxImportRowsPerMessage,
          message.rows_size()));
    }
    if (rows.size() + message.rows_size() > static_cast<size_t>(kMaxImportRows)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "rows: at most %d rows per import; split the file into several imports",
          kMaxImportRows));
    }
    for (v1::ImportRow& input : *message.mutable_rows()) {
      fingerprint = common::Sha256(fingerprint + common::DeterministicBytes(input));
      Row& row = rows.emplace_back();
      row.row_id = std::move(*input.mutable_row_id());
      row.raw = std::move(*input.mutable_customer());
      ClearOutputOnlyFields(row.raw);
      row.validation = common::ValidateLength("row_id", row.row_id, 0, kMaxImportRowIdChars);
      if (!row.validation.ok()) continue;
      row.normalized = row.raw;
      row.validation = NormalizeCustomer(row.normalized);
    }
  }
  if (first) {
    return absl::InvalidArgumentError(
        "mode: required in the first message; the stream carried no message");
  }

  absl::StatusOr<common::ConcurrencyLimit::Slot> slot = write_slots_.Acquire(call.deadline);
  if (!slot.ok()) return slot.status();
  const absl::Time now = absl::FromUnixMicros(absl::ToUnixMicros(clock_()));
  absl::StatusOr<std::string> stored = repository_.TransactOnce(
      call.deadline, kMethod, request_id, common::Sha256Hex(fingerprint),
      [&](CustomerStore& store) -> absl::StatusOr<std::string> {
        ImportRun run(call, mode, request_id, rows, now, store);
        absl::StatusOr<v1::ImportCustomersResponse> result = run.Run();
        if (!result.ok()) return result.status();
        return result->SerializeAsString();
      });
  if (!stored.ok()) return stored.status();
  if (!response.ParseFromString(*stored)) {
    return absl::InternalError("stored ImportCustomers response is unreadable");
  }
  return absl::OkStatus();
}

}  // namespace crm::customer
