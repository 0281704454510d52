#include "customer_svc/domain/customer_merge.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/api/fingerprint.h"
#include "common/api/quote.h"
#include "common/api/time_util.h"

namespace crm::customer {
namespace {

std::string Json(const google::protobuf::Message& message) {
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(message, &json).ok()) return "";
  return json;
}

std::string JsonString(const std::string& text) {
  google::protobuf::Value value;
  value.set_string_value(text);
  return Json(value);
}

void SetOrganizationKeyPart(v1::Customer& to, bool web_domain, const std::string& value) {
  crm::common::v1::OrganizationKey& key = *to.mutable_organization_key();
  if (web_domain) {
    key.set_web_domain(value);
  } else {
    key.set_tax_id(value);
  }
  if (key.ByteSizeLong() == 0) to.clear_organization_key();
}

// A Customer holding only the merge field `path` of `customer`.
v1::Customer Only(std::string_view path, const v1::Customer& customer) {
  v1::Customer only;
  CopyMergeField(path, customer, only);
  return only;
}

bool IsEmpty(std::string_view path, const v1::Customer& customer) {
  return Only(path, customer).ByteSizeLong() == 0;
}

std::string Shown(const std::string& json) { return json.empty() ? "empty" : json; }

}  // namespace

const std::vector<std::string_view>& MergeFieldPaths() {
  static const auto* const kPaths = new std::vector<std::string_view>{"kind",
                                                                      "display_name",
                                                                      "organization_key.web_domain",
                                                                      "organization_key.tax_id",
                                                                      "parent",
                                                                      "email",
                                                                      "phone",
                                                                      "postal_address",
                                                                      "contacts",
                                                                      "tier",
                                                                      "needs",
                                                                      "source",
                                                                      "account_manager"};
  return *kPaths;
}

void CopyMergeField(std::string_view path, const v1::Customer& from, v1::Customer& to) {
  if (path == "kind") {
    to.set_kind(from.kind());
  } else if (path == "display_name") {
    to.set_display_name(from.display_name());
  } else if (path == "organization_key.web_domain") {
    SetOrganizationKeyPart(to, true, from.organization_key().web_domain());
  } else if (path == "organization_key.tax_id") {
    SetOrganizationKeyPart(to, false, from.organization_key().tax_id());
  } else if (path == "parent") {
    to.set_parent(from.parent());
  } else if (path == "email") {
    to.set_email(from.email());
  } else if (path == "phone") {
    to.set_phone(from.phone());
  } else if (path == "postal_address") {
    if (from.has_postal_address()) {
      *to.mutable_postal_address() = from.postal_address();
    } else {
      to.clear_postal_address();
    }
  } else if (path == "contacts") {
    *to.mutable_contacts() = from.contacts();
  } else if (path == "tier") {
    to.set_tier(from.tier());
  } else if (path == "needs") {
    if (from.has_needs()) {
      *to.mutable_needs() = from.needs();
    } else {
      to.clear_needs();
    }
  } else if (path == "source") {
    if (from.has_source()) {
      *to.mutable_source() = from.source();
    } else {
      to.clear_source();
    }
  } else if (path == "account_manager") {
    to.set_account_manager(from.account_manager());
  }
}

bool MergeFieldEquals(std::string_view path, const v1::Customer& a, const v1::Customer& b) {
  return common::DeterministicBytes(Only(path, a)) == common::DeterministicBytes(Only(path, b));
}

std::string MergeFieldJson(std::string_view path, const v1::Customer& customer) {
  if (IsEmpty(path, customer)) return "";
  if (path == "kind") return JsonString(v1::CustomerKind_Name(customer.kind()));
  if (path == "tier") return JsonString(v1::Tier_Name(customer.tier()));
  if (path == "postal_address") return Json(customer.postal_address());
  if (path == "needs") return Json(customer.needs());
  if (path == "source") return Json(customer.source());
  if (path == "contacts") {
    std::vector<std::string> contacts;
    for (const auto& contact : customer.contacts()) contacts.push_back(Json(contact));
    return absl::StrCat("[", absl::StrJoin(contacts, ","), "]");
  }
  if (path == "organization_key.web_domain") {
    return JsonString(customer.organization_key().web_domain());
  }
  if (path == "organization_key.tax_id") return JsonString(customer.organization_key().tax_id());
  if (path == "display_name") return JsonString(customer.display_name());
  if (path == "parent") return JsonString(customer.parent());
  if (path == "email") return JsonString(customer.email());
  if (path == "phone") return JsonString(customer.phone());
  if (path == "account_manager") return JsonString(customer.account_manager());
  return "";
}

absl::StatusOr<MergePlan> PlanMerge(
    const v1::Customer& survivor, const std::vector<v1::Customer>& merged,
    const google::protobuf::RepeatedPtrField<v1::FieldSelection>& selections) {
  std::vector<const v1::Customer*> everyone = {&survivor};
  for (const v1::Customer& customer : merged) everyone.push_back(&customer);
  auto find = [&](std::string_view name) -> const v1::Customer* {
    for (const v1::Customer* customer : everyone) {
      if (customer->name() == name) return customer;
    }
    return nullptr;
  };

  std::vector<std::pair<std::string_view, const v1::Customer*>> chosen_by_selection;
  absl::flat_hash_set<std::string> selected_paths;
  const std::vector<std::string_view>& paths = MergeFieldPaths();
  for (int i = 0; i < selections.size(); ++i) {
    const v1::FieldSelection& selection = selections[i];
    const std::string prefix = absl::StrCat("field_selections[", i, "].");
    auto path = std::find(paths.begin(), paths.end(), selection.field_path());
    if (path == paths.end()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%sfield_path: %s is not a mergeable field; use one of %s", prefix,
          common::QuoteValue(selection.field_path()),
          absl::StrJoin(std::vector<std::string>(paths.begin(), paths.end()), ", ")));
    }
    if (!selected_paths.insert(selection.field_path()).second) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%sfield_path: %s is selected more than once", prefix,
                          common::QuoteValue(selection.field_path())));
    }
    const v1::Customer* source = find(selection.source_customer());
    if (source == nullptr) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%ssource_customer: %s is neither the survivor nor one of the merged customers", prefix,
          common::QuoteValue(selection.source_customer())));
    }
    chosen_by_selection.emplace_back(*path, source);
  }

  // Merged customers, most recently updated first (ties: the later-created first).
  std::vector<const v1::Customer*> by_recency;
  for (const v1::Customer& customer : merged) by_recency.push_back(&customer);
  std::stable_sort(by_recency.begin(), by_recency.end(),
                   [](const v1::Customer* a, const v1::Customer* b) {
                     const absl::Time ta = common::FromProtoTimestamp(a->update_time());
                     const absl::Time tb = common::FromProtoTimestamp(b->update_time());
                     if (ta != tb) return ta > tb;
                     return common::FromProtoTimestamp(a->create_time()) >
                            common::FromProtoTimestamp(b->create_time());
                   });

  MergePlan plan;
  plan.survivor = survivor;
  for (std::string_view path : paths) {
    const v1::Customer* chosen = nullptr;
    for (const auto& [selected_path, source] : chosen_by_selection) {
      if (selected_path == path) chosen = source;
    }
    if (chosen == nullptr) {
      chosen = &survivor;
      if (IsEmpty(path, survivor)) {
        for (const v1::Customer* candidate : by_recency) {
          if (!IsEmpty(path, *candidate)) {
            chosen = candidate;
            break;
          }
        }
      }
    }
    CopyMergeField(path, *chosen, plan.survivor);

    v1::FieldConflict conflict;
    conflict.set_field_path(std::string(path));
    std::vector<const v1::Customer*> distinct;
    for (const v1::Customer* customer : everyone) {
      if (IsEmpty(path, *customer)) continue;
      v1::CandidateValue& value = *conflict.add_values();
      value.set_customer(customer->name());
      value.set_value_json(MergeFieldJson(path, *customer));
      bool seen = false;
      for (const v1::Customer* other : distinct)
        seen = seen || MergeFieldEquals(path, *other, *customer);
      if (!seen) distinct.push_back(customer);
    }
    if (distinct.size() > 1) {
      conflict.set_chosen_customer(chosen->name());
      plan.conflicts.push_back(std::move(conflict));
    }
  }
  if (find(plan.survivor.parent()) != nullptr) plan.survivor.clear_parent();
  return plan;
}

std::vector<std::string_view> ChangedMergeFields(const v1::Customer& before,
                                                 const v1::Customer& after) {
  std::vector<std::string_view> changed;
  for (std::string_view path : MergeFieldPaths()) {
    if (!MergeFieldEquals(path, before, after)) changed.push_back(path);
  }
  return changed;
}

absl::Status RestoreMergedFields(std::string_view survivor_name, const v1::Customer& before,
                                 const v1::Customer& after, v1::Customer& current) {
  std::vector<std::string_view> changed = ChangedMergeFields(before, after);
  for (std::string_view path : changed) {
    if (!MergeFieldEquals(path, current, after)) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "%s.%s was changed after the merge (the merge set it to %s, it is now %s); set it back "
          "or change it by hand instead of unmerging",
          std::string(survivor_name), std::string(path), Shown(MergeFieldJson(path, after)),
          Shown(MergeFieldJson(path, current))));
    }
  }
  for (std::string_view path : changed) CopyMergeField(path, before, current);
  return absl::OkStatus();
}

}  // namespace crm::customer
