#include "customer_svc/domain/duplicate_service.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/api/etag.h"
#include "common/api/field_mask.h"
#include "common/api/filter_fields.h"
#include "common/api/fingerprint.h"
#include "common/api/id_page_token.h"
#include "common/api/order_by.h"
#include "common/api/page_token.h"
#include "common/api/quote.h"
#include "common/api/resource_name.h"
#include "common/api/time_util.h"
#include "common/api/validation.h"
#include "common/audit/audit_log.h"
#include "customer_svc/domain/customer_merge.h"
#include "customer_svc/domain/duplicate_rules.h"
#include "customer_svc/domain/merge_journal.h"

namespace crm::customer {
namespace {

using crm::common::v1::AuditAction;

constexpr std::string_view kRules = "duplicateRules";
constexpr std::string_view kCustomers = "customers";
constexpr std::string_view kMerges = "customerMerges";
constexpr char kCreateRuleMethod[] = "crm.customer.v1.DuplicateService/CreateDuplicateRule";
constexpr char kMergeMethod[] = "crm.customer.v1.DuplicateService/MergeCustomers";
constexpr char kUnmergeMethod[] = "crm.customer.v1.DuplicateService/UnmergeCustomers";
// Candidate groups read per query while refining fuzzy / postal code rules.
constexpr int kCandidateBatch = 1000;

using Kind = common::FilterValueKind;

const std::vector<common::FilterField<DuplicateRuleColumn>>& RuleFilterFields() {
  static const auto* const fields = new std::vector<common::FilterField<DuplicateRuleColumn>>{
      {"enabled", DuplicateRuleColumn::kEnabled, Kind::kBool},
      {"display_name", DuplicateRuleColumn::kDisplayName, Kind::kText},
  };
  return *fields;
}

const std::vector<common::FilterField<MergeColumn>>& MergeFilterFields() {
  static const auto* const fields = new std::vector<common::FilterField<MergeColumn>>{
      {"survivor", MergeColumn::kSurvivor, Kind::kResource, nullptr, "customers"},
      {"merged_customers", MergeColumn::kMergedCustomer, Kind::kResource, nullptr, "customers"},
      {"state", MergeColumn::kState, Kind::kEnum, v1::CustomerMergeState_descriptor()},
      {"merge_time", MergeColumn::kMergeTime, Kind::kTime},
  };
  return *fields;
}

absl::Status Audit(DuplicateStore& store, const common::CallContext& call,
                   std::string_view resource, AuditAction action,
                   std::vector<crm::common::v1::FieldChange> changes, std::string_view reason,
                   absl::Time time) {
  return store.InsertAuditEntry(
      common::MakeAuditEntry(call, resource, action, std::move(changes), reason, time));
}

absl::StatusOr<StoredDuplicateRule> LockRuleOrNotFound(DuplicateStore& store, int64_t id,
                                                       std::string_view name) {
  absl::StatusOr<std::optional<StoredDuplicateRule>> stored = store.LockRule(id);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    return absl::NotFoundError(absl::StrFormat("%s does not exist", std::string(name)));
  }
  return **std::move(stored);
}

// Why a customer cannot take part in a merge, or OK.
absl::Status CheckMergeable(const v1::Customer& customer) {
  if (!customer.merged_into().empty()) {
    return absl::FailedPreconditionError(
        absl::StrFormat("%s was already merged into %s", customer.name(), customer.merged_into()));
  }
  if (customer.has_delete_time()) {
    return absl::FailedPreconditionError(
        absl::StrFormat("%s is deleted; undelete it before merging", customer.name()));
  }
  return absl::OkStatus();
}

struct MergeRequestIds {
  int64_t survivor = 0;
  std::vector<int64_t> merged;
};

absl::StatusOr<MergeRequestIds> ParseMergeIds(
    const std::string& survivor, const google::protobuf::RepeatedPtrField<std::string>& merged,
    std::string_view merged_field) {
  MergeRequestIds ids;
  absl::StatusOr<int64_t> survivor_id = common::ParseResourceId("survivor", survivor, kCustomers);
  if (!survivor_id.ok()) return survivor_id.status();
  ids.survivor = *survivor_id;
  if (merged.empty() || merged.size() > kMaxMergedCustomers) {
    return absl::InvalidArgumentError(absl::StrFormat("%s: must have 1 to %d entries, got %d",
                                                      std::string(merged_field),
                                                      kMaxMergedCustomers, merged.size()));
  }
  for (int i = 0; i < merged.size(); ++i) {
    const std::string field = absl::StrCat(std::string(merged_field), "[", i, "]");
    absl::StatusOr<int64_t> id = common::ParseResourceId(field, merged[i], kCustomers);
    if (!id.ok()) return id.status();
    if (*id == ids.survivor) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: %s is the survivor; a customer cannot be merged into itself", field, merged[i]));
    }
    if (std::find(ids.merged.begin(), ids.merged.end(), *id) != ids.merged.end()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: %s is listed more than once", field, merged[i]));
    }
    ids.merged.push_back(*id);
  }
  return ids;
}

struct LockedParticipants {
  StoredCustomer survivor;
  std::vector<StoredCustomer> merged;  // in request order
};

// Locks every participant in ascending id order (so concurrent merges cannot
// deadlock) and checks that each exists and can take part in a merge.
absl::StatusOr<LockedParticipants> LockParticipants(CustomerStore& store,
                                                    const MergeRequestIds& ids) {
  std::vector<int64_t> order = ids.merged;
  order.push_back(ids.survivor);
  std::sort(order.begin(), order.end());
  std::map<int64_t, StoredCustomer> locked;
  for (int64_t id : order) {
    absl::StatusOr<std::optional<StoredCustomer>> stored = store.LockCustomer(id);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) {
      return absl::NotFoundError(
          absl::StrFormat("%s does not exist", common::FormatResourceName(kCustomers, id)));
    }
    if (absl::Status s = CheckMergeable((*stored)->customer); !s.ok()) return s;
    locked[id] = **std::move(stored);
  }
  LockedParticipants participants;
  participants.survivor = locked[ids.survivor];
  for (int64_t id : ids.merged) participants.merged.push_back(locked[id]);
  return participants;
}

std::vector<v1::Customer> Customers(const std::vector<StoredCustomer>& stored) {
  std::vector<v1::Customer> customers;
  for (const StoredCustomer& customer : stored) customers.push_back(customer.customer);
  return customers;
}

// Union-find over customer ids.
class Components {
 public:
  int64_t Find(int64_t id) {
    auto [it, inserted] = parent_.try_emplace(id, id);
    if (it->second == id) return id;
    const int64_t root = Find(it->second);
    parent_[id] = root;
    return root;
  }
  void Join(int64_t a, int64_t b) { parent_[Find(a)] = Find(b); }
  std::map<int64_t, std::vector<int64_t>> Groups() {
    std::map<int64_t, std::vector<int64_t>> groups;
    std::vector<int64_t> ids;
    for (const auto& [id, parent] : parent_) ids.push_back(id);
    for (int64_t id : ids) groups[Find(id)].push_back(id);
    return groups;
  }

 private:
  std::map<int64_t, int64_t> parent_;
};

}  // namespace

DuplicateService::DuplicateService(DuplicateRepository& duplicates, CustomerRepository& customers,
                                   Clock clock)
    : duplicates_(duplicates), customers_(customers), clock_(std::move(clock)) {}

absl::Time DuplicateService::Now() const {
  return absl::FromUnixMicros(absl::ToUnixMicros(clock_()));
}

// ---------------------------------------------------------------- rules

absl::Status DuplicateService::GetDuplicateRule(const common::CallContext& call,
                                                const v1::GetDuplicateRuleRequest& request,
                                                v1::GetDuplicateRuleResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kRules);
  if (!id.ok()) return id.status();
  absl::StatusOr<std::optional<StoredDuplicateRule>> stored =
      duplicates_.GetRule(call.deadline, *id);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    return absl::NotFoundError(absl::StrFormat("%s does not exist", request.name()));
  }
  *response.mutable_duplicate_rule() = std::move((*stored)->rule);
  return absl::OkStatus();
}

absl::Status DuplicateService::ListDuplicateRules(const common::CallContext& call,
                                                  const v1::ListDuplicateRulesRequest& request,
                                                  v1::ListDuplicateRulesResponse& response) {
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  DuplicateRuleListQuery query;
  absl::StatusOr<std::vector<DuplicateRuleCondition>> conditions =
      common::ResolveFilter<DuplicateRuleColumn>(request.filter(), RuleFilterFields());
  if (!conditions.ok()) return conditions.status();
  query.conditions = *std::move(conditions);
  size_t order_index = 0;
  if (absl::Status s = common::ParseOrderByInto(request.order_by(), {"display_name", "create_time"},
                                          order_index, query.descending);
      !s.ok()) {
    return s;
  }
  query.order =
      order_index == 1 ? DuplicateRuleOrder::kCreateTime : DuplicateRuleOrder::kDisplayName;
  query.show_deleted = request.show_deleted();
  query.limit = *page_size + 1;
  const std::string fingerprint =
      common::PageQueryFingerprint({"ListDuplicateRules", request.filter(), request.order_by(),
                                    request.show_deleted() ? "1" : "0"});
  if (!request.page_token().empty()) {
    absl::StatusOr<common::PageCursor> cursor =
        common::DecodePageToken(request.page_token(), fingerprint);
    if (!cursor.ok()) return cursor.status();
    int64_t after_id = 0;
    if (cursor->keys.size() != 2 || !absl::SimpleAtoi(cursor->keys[1], &after_id) ||
        (query.order == DuplicateRuleOrder::kCreateTime &&
         !common::ParseMysqlDatetime(cursor->keys[0]).ok())) {
      return absl::InvalidArgumentError("page_token: invalid or corrupted");
    }
    query.after = std::make_pair(cursor->keys[0], after_id);
  }
  absl::StatusOr<std::vector<StoredDuplicateRule>> rows =
      duplicates_.ListRules(call.deadline, query);
  if (!rows.ok()) return rows.status();
  const bool more = static_cast<int>(rows->size()) > *page_size;
  if (more) rows->resize(*page_size);
  for (const StoredDuplicateRule& row : *rows) *response.add_duplicate_rules() = row.rule;
  if (more) {
    const StoredDuplicateRule& last = rows->back();
    const std::string sort_value =
        query.order == DuplicateRuleOrder::kCreateTime
            ? common::FormatMysqlDatetime(common::FromProtoTimestamp(last.rule.create_time()))
            : last.rule.display_name();
    response.set_next_page_token(common::EncodePageToken(
        common::PageCursor{{sort_value, std::to_string(last.id)}}, fingerprint));
  }
  return absl::OkStatus();
}

absl::Status DuplicateService::CreateDuplicateRule(const common::CallContext& call,
                                                   const v1::CreateDuplicateRuleRequest& request,
                                                   v1::CreateDuplicateRuleResponse& response) {
  if (absl::Status s = common::ValidateRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  v1::DuplicateRule rule;
  rule.set_display_name(request.duplicate_rule().display_name());
  *rule.mutable_conditions() = request.duplicate_rule().conditions();
  rule.set_enabled(request.duplicate_rule().enabled());
  if (absl::Status s = NormalizeRule(rule); !s.ok()) return s;
  const absl::Time now = Now();
  *rule.mutable_create_time() = common::ToProtoTimestamp(now);
  *rule.mutable_update_time() = common::ToProtoTimestamp(now);

  v1::CreateDuplicateRuleRequest fingerprint = request;
  fingerprint.clear_request_id();
  absl::StatusOr<std::string> stored_response = duplicates_.TransactOnce(
      call.deadline, kCreateRuleMethod, request.request_id(),
      common::DeterministicBytes(fingerprint),
      [&](DuplicateStore& store) -> absl::StatusOr<std::string> {
        absl::StatusOr<StoredDuplicateRule> stored = store.InsertRule(rule);
        if (!stored.ok()) return stored.status();
        if (absl::Status s =
                Audit(store, call, stored->rule.name(), crm::common::v1::AUDIT_ACTION_CREATE,
                      common::DiffFromEmpty(stored->rule), "", now);
            !s.ok()) {
          return s;
        }
        v1::CreateDuplicateRuleResponse created;
        *created.mutable_duplicate_rule() = std::move(stored->rule);
        return created.SerializeAsString();
      });
  if (!stored_response.ok()) return stored_response.status();
  if (!response.ParseFromString(*stored_response)) {
    return absl::InternalError("stored CreateDuplicateRule response is unreadable");
  }
  return absl::OkStatus();
}

absl::Status DuplicateService::UpdateDuplicateRule(const common::CallContext& call,
                                                   const v1::UpdateDuplicateRuleRequest& request,
                                                   v1::UpdateDuplicateRuleResponse& response) {
  const std::string& name = request.duplicate_rule().name();
  absl::StatusOr<int64_t> id = common::ParseResourceId("duplicate_rule.name", name, kRules);
  if (!id.ok()) return id.status();
  if (absl::Status s = common::ValidateUpdateMask(
          request.update_mask(), *v1::DuplicateRule::descriptor(), RuleUpdatablePaths());
      !s.ok()) {
    return s;
  }
  const absl::Time now = Now();
  return duplicates_.Transact(call.deadline, [&](DuplicateStore& store) -> absl::Status {
    absl::StatusOr<StoredDuplicateRule> stored = LockRuleOrNotFound(store, *id, name);
    if (!stored.ok()) return stored.status();
    if (stored->rule.has_delete_time()) {
      return absl::FailedPreconditionError(
          absl::StrFormat("%s is deleted; undelete it before changing it", name));
    }
    if (absl::Status s = common::CheckEtag(request.duplicate_rule().etag(), stored->version, name,
                                           "duplicate_rule.etag");
        !s.ok()) {
      return s;
    }
    v1::DuplicateRule updated = stored->rule;
    if (absl::Status s = common::ApplyUpdateMask(request.duplicate_rule(), request.update_mask(),
                                                 RuleUpdatablePaths(), &updated);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = NormalizeRule(updated); !s.ok()) return s;
    std::vector<crm::common::v1::FieldChange> changes = common::DiffMessages(stored->rule, updated);
    if (changes.empty()) {
      *response.mutable_duplicate_rule() = std::move(stored->rule);
      return absl::OkStatus();
    }
    *updated.mutable_update_time() = common::ToProtoTimestamp(now);
    absl::StatusOr<StoredDuplicateRule> result = store.UpdateRule(updated, stored->version);
    if (!result.ok()) return result.status();
    if (absl::Status s = Audit(store, call, name, crm::common::v1::AUDIT_ACTION_UPDATE,
                               std::move(changes), "", now);
        !s.ok()) {
      return s;
    }
    *response.mutable_duplicate_rule() = std::move(result->rule);
    return absl::OkStatus();
  });
}

absl::Status DuplicateService::SetRuleDeleted(const common::CallContext& call,
                                              std::string_view name, std::string_view etag,
                                              bool deleted, v1::DuplicateRule& result) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", name, kRules);
  if (!id.ok()) return id.status();
  const absl::Time now = Now();
  return duplicates_.Transact(call.deadline, [&](DuplicateStore& store) -> absl::Status {
    absl::StatusOr<StoredDuplicateRule> stored = LockRuleOrNotFound(store, *id, name);
    if (!stored.ok()) return stored.status();
    if (stored->rule.has_delete_time() == deleted) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "%s is %s", std::string(name), deleted ? "already deleted" : "not deleted"));
    }
    if (absl::Status s = common::CheckEtag(etag, stored->version, name); !s.ok()) return s;
    v1::DuplicateRule updated = stored->rule;
    if (deleted) {
      *updated.mutable_delete_time() = common::ToProtoTimestamp(now);
    } else {
      updated.clear_delete_time();
    }
    *updated.mutable_update_time() = common::ToProtoTimestamp(now);
    absl::StatusOr<StoredDuplicateRule> written = store.UpdateRule(updated, stored->version);
    if (!written.ok()) return written.status();
    if (absl::Status s = Audit(
            store, call, name,
            deleted ? crm::common::v1::AUDIT_ACTION_DELETE : crm::common::v1::AUDIT_ACTION_UNDELETE,
            common::DiffMessages(stored->rule, written->rule), "", now);
        !s.ok()) {
      return s;
    }
    result = std::move(written->rule);
    return absl::OkStatus();
  });
}

absl::Status DuplicateService::DeleteDuplicateRule(const common::CallContext& call,
                                                   const v1::DeleteDuplicateRuleRequest& request,
                                                   v1::DeleteDuplicateRuleResponse& response) {
  return SetRuleDeleted(call, request.name(), request.etag(), true,
                        *response.mutable_duplicate_rule());
}

absl::Status DuplicateService::UndeleteDuplicateRule(
    const common::CallContext& call, const v1::UndeleteDuplicateRuleRequest& request,
    v1::UndeleteDuplicateRuleResponse& response) {
  return SetRuleDeleted(call, request.name(), request.etag(), false,
                        *response.mutable_duplicate_rule());
}

// ---------------------------------------------------------------- detection

absl::StatusOr<const v1::Customer*> DuplicateService::LoadCustomer(
    const common::CallContext& call, int64_t id, std::map<int64_t, v1::Customer>& cache) {
  auto found = cache.find(id);
  if (found != cache.end()) return &found->second;
  absl::StatusOr<std::optional<StoredCustomer>> stored = customers_.GetCustomer(call.deadline, id);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    return absl::AbortedError("a customer vanished while duplicates were searched; retry");
  }
  return &(cache[id] = std::move((*stored)->customer));
}

absl::StatusOr<std::vector<DuplicateService::Group>> DuplicateService::RuleGroups(
    const common::CallContext& call, const v1::DuplicateRule& rule,
    std::optional<int64_t> customer_id, int64_t after_first_id, int limit,
    std::map<int64_t, v1::Customer>& cache) {
  // Exact comparisons of columns group in SQL; fuzzy and postal code
  // comparisons refine those candidates here.
  std::vector<MatchKey> keys;
  const v1::MatchCondition* first_fuzzy_column = nullptr;
  bool needs_refining = false;
  for (const v1::MatchCondition& condition : rule.conditions()) {
    std::optional<MatchField> field = ParseMatchField(condition.field_path());
    if (!field.has_value()) continue;
    if (condition.match_type() != v1::MATCH_TYPE_FUZZY && IsColumnField(*field)) {
      keys.push_back({*field, condition.normalizer()});
    } else {
      needs_refining = true;
      if (first_fuzzy_column == nullptr && IsColumnField(*field)) first_fuzzy_column = &condition;
    }
  }
  std::vector<Group> groups;
  if (!needs_refining) {
    KeyGroupQuery query{keys, customer_id, after_first_id, limit};
    absl::StatusOr<std::vector<std::vector<int64_t>>> found =
        duplicates_.FindKeyGroups(call.deadline, query);
    if (!found.ok()) return found.status();
    for (std::vector<int64_t>& ids : *found) {
      groups.push_back({*std::min_element(ids.begin(), ids.end()), std::move(ids)});
    }
    return groups;
  }

  // Candidate pairs, then the pairs that match every condition, joined into groups.
  Components components;
  auto verify = [&](int64_t a, int64_t b) -> absl::Status {
    absl::StatusOr<const v1::Customer*> x = LoadCustomer(call, a, cache);
    if (!x.ok()) return x.status();
    absl::StatusOr<const v1::Customer*> y = LoadCustomer(call, b, cache);
    if (!y.ok()) return y.status();
    if (RuleMatches(rule, **x, **y)) components.Join(a, b);
    return absl::OkStatus();
  };
  if (!keys.empty()) {
    KeyGroupQuery query{keys, customer_id, 0, kCandidateBatch};
    while (true) {
      absl::StatusOr<std::vector<std::vector<int64_t>>> found =
          duplicates_.FindKeyGroups(call.deadline, query);
      if (!found.ok()) return found.status();
      for (const std::vector<int64_t>& ids : *found) {
        for (size_t i = 0; i < ids.size(); ++i) {
          for (size_t j = i + 1; j < ids.size(); ++j) {
            if (absl::Status s = verify(ids[i], ids[j]); !s.ok()) return s;
          }
        }
        query.after_first_id =
            std::max(query.after_first_id, *std::min_element(ids.begin(), ids.end()));
      }
      if (static_cast<int>(found->size()) < kCandidateBatch) break;
    }
  } else {
    std::optional<MatchField> field = ParseMatchField(first_fuzzy_column->field_path());
    FuzzyPairQuery query{{*field, first_fuzzy_column->normalizer()},
                         first_fuzzy_column->max_edit_distance(),
                         customer_id};
    absl::StatusOr<std::vector<std::pair<int64_t, int64_t>>> pairs =
        duplicates_.FindFuzzyPairs(call.deadline, query);
    if (!pairs.ok()) return pairs.status();
    for (const auto& [a, b] : *pairs) {
      if (absl::Status s = verify(a, b); !s.ok()) return s;
    }
  }
  for (auto& [root, ids] : components.Groups()) {
    if (ids.size() < 2) continue;
    if (customer_id.has_value() && std::find(ids.begin(), ids.end(), *customer_id) == ids.end()) {
      continue;
    }
    const int64_t first_id = *std::min_element(ids.begin(), ids.end());
    if (first_id <= after_first_id) continue;
    std::sort(ids.begin(), ids.end(), [&](int64_t a, int64_t b) {
      const absl::Time ta = common::FromProtoTimestamp(cache[a].create_time());
      const absl::Time tb = common::FromProtoTimestamp(cache[b].create_time());
      return ta != tb ? ta < tb : a < b;
    });
    groups.push_back({first_id, ids});
  }
  std::sort(groups.begin(), groups.end(),
            [](const Group& a, const Group& b) { return a.first_id < b.first_id; });
  if (static_cast<int>(groups.size()) > limit) groups.resize(limit);
  return groups;
}

absl::Status DuplicateService::FindDuplicates(const common::CallContext& call,
                                              const v1::FindDuplicatesRequest& request,
                                              v1::FindDuplicatesResponse& response) {
  std::optional<int64_t> customer_id;
  if (!request.customer().empty()) {
    absl::StatusOr<int64_t> id =
        common::ParseResourceId("customer", request.customer(), kCustomers);
    if (!id.ok()) return id.status();
    customer_id = *id;
  }
  std::vector<int64_t> rule_ids;
  for (int i = 0; i < request.rules_size(); ++i) {
    absl::StatusOr<int64_t> id =
        common::ParseResourceId(absl::StrCat("rules[", i, "]"), request.rules(i), kRules);
    if (!id.ok()) return id.status();
    rule_ids.push_back(*id);
  }
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  const std::string fingerprint = common::PageQueryFingerprint(
      {"FindDuplicates", request.customer(), absl::StrJoin(request.rules(), ",")});
  int64_t after_rule = 0;
  int64_t after_first_id = 0;
  if (!request.page_token().empty()) {
    absl::StatusOr<common::PageCursor> cursor =
        common::DecodePageToken(request.page_token(), fingerprint);
    if (!cursor.ok()) return cursor.status();
    if (cursor->keys.size() != 2 || !absl::SimpleAtoi(cursor->keys[0], &after_rule) ||
        !absl::SimpleAtoi(cursor->keys[1], &after_first_id)) {
      return absl::InvalidArgumentError("page_token: invalid or corrupted");
    }
  }

  if (customer_id.has_value()) {
    absl::StatusOr<std::optional<StoredCustomer>> customer =
        customers_.GetCustomer(call.deadline, *customer_id);
    if (!customer.ok()) return customer.status();
    if (!customer->has_value()) {
      return absl::NotFoundError(absl::StrFormat("%s does not exist", request.customer()));
    }
    if (absl::Status s = CheckMergeable((*customer)->customer); !s.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("customer: ", s.message(), "; only live customers have duplicates"));
    }
  }
  std::vector<StoredDuplicateRule> rules;
  if (rule_ids.empty()) {
    absl::StatusOr<std::vector<StoredDuplicateRule>> enabled =
        duplicates_.ListEnabledRules(call.deadline);
    if (!enabled.ok()) return enabled.status();
    rules = *std::move(enabled);
  } else {
    for (int i = 0; i < static_cast<int>(rule_ids.size()); ++i) {
      absl::StatusOr<std::optional<StoredDuplicateRule>> rule =
          duplicates_.GetRule(call.deadline, rule_ids[i]);
      if (!rule.ok()) return rule.status();
      if (!rule->has_value()) {
        return absl::NotFoundError(absl::StrFormat("%s does not exist", request.rules(i)));
      }
      if ((*rule)->rule.has_delete_time()) {
        return absl::FailedPreconditionError(
            absl::StrFormat("rules[%d]: %s is deleted", i, request.rules(i)));
      }
      rules.push_back(**std::move(rule));
    }
    std::sort(
        rules.begin(), rules.end(),
        [](const StoredDuplicateRule& a, const StoredDuplicateRule& b) { return a.id < b.id; });
    rules.erase(std::unique(rules.begin(), rules.end(),
                            [](const StoredDuplicateRule& a, const StoredDuplicateRule& b) {
                              return a.id == b.id;
                            }),
                rules.end());
  }

  // One more group than the page tells whether a next page exists.
  std::vector<std::pair<const StoredDuplicateRule*, Group>> found;
  std::map<int64_t, v1::Customer> cache;
  for (const StoredDuplicateRule& rule : rules) {
    if (rule.id < after_rule) continue;
    const int wanted = *page_size + 1 - static_cast<int>(found.size());
    if (wanted <= 0) break;
    absl::StatusOr<std::vector<Group>> groups = RuleGroups(
        call, rule.rule, customer_id, rule.id == after_rule ? after_first_id : 0, wanted, cache);
    if (!groups.ok()) return groups.status();
    for (Group& group : *groups) found.emplace_back(&rule, std::move(group));
  }
  const bool more = static_cast<int>(found.size()) > *page_size;
  if (more) found.resize(*page_size);
  for (const auto& [rule, group] : found) {
    v1::DuplicateCandidate& candidate = *response.add_candidates();
    for (int64_t id : group.ids) {
      candidate.add_customers(common::FormatResourceName(kCustomers, id));
    }
    candidate.set_rule(rule->rule.name());
    std::vector<std::string> paths;
    for (const v1::MatchCondition& condition : rule->rule.conditions()) {
      if (std::find(paths.begin(), paths.end(), condition.field_path()) == paths.end()) {
        paths.push_back(condition.field_path());
      }
    }
    for (const std::string& path : paths) candidate.add_matched_field_paths(path);
  }
  if (more) {
    const auto& [rule, group] = found.back();
    response.set_next_page_token(common::EncodePageToken(
        common::PageCursor{{std::to_string(rule->id), std::to_string(group.first_id)}},
        fingerprint));
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------- merge

absl::Status DuplicateService::PreviewMerge(const common::CallContext& call,
                                            const v1::PreviewMergeRequest& request,
                                            v1::PreviewMergeResponse& response) {
  absl::StatusOr<MergeRequestIds> ids =
      ParseMergeIds(request.survivor(), request.merged_customers(), "merged_customers");
  if (!ids.ok()) return ids.status();
  return duplicates_.Transact(call.deadline, [&](DuplicateStore& store) -> absl::Status {
    absl::StatusOr<LockedParticipants> participants = LockParticipants(store.customers(), *ids);
    if (!participants.ok()) return participants.status();
    absl::StatusOr<MergePlan> plan =
        PlanMerge(participants->survivor.customer, Customers(participants->merged),
                  request.field_selections());
    if (!plan.ok()) return plan.status();
    absl::StatusOr<std::vector<v1::ChildMoveCount>> moves =
        store.CountChildRows(ids->survivor, ids->merged);
    if (!moves.ok()) return moves.status();
    v1::MergePreview& preview = *response.mutable_preview();
    *preview.mutable_survivor() = std::move(plan->survivor);
    for (v1::FieldConflict& conflict : plan->conflicts) {
      *preview.add_conflicts() = std::move(conflict);
    }
    for (v1::ChildMoveCount& move : *moves) *preview.add_moves() = std::move(move);
    return absl::OkStatus();
  });
}

absl::Status DuplicateService::MergeCustomers(const common::CallContext& call,
                                              const v1::MergeCustomersRequest& request,
                                              v1::MergeCustomersResponse& response) {
  if (absl::Status s = common::ValidateRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  absl::StatusOr<MergeRequestIds> ids =
      ParseMergeIds(request.survivor(), request.merged_customers(), "merged_customers");
  if (!ids.ok()) return ids.status();
  if (!request.etag().empty()) {
    if (absl::Status s = common::ParseEtag("etag", request.etag()).status(); !s.ok()) return s;
  }
  const absl::Time now = Now();
  const google::protobuf::Timestamp now_proto = common::ToProtoTimestamp(now);
  v1::MergeCustomersRequest fingerprint = request;
  fingerprint.clear_request_id();
  absl::StatusOr<std::string> stored_response = duplicates_.TransactOnce(
      call.deadline, kMergeMethod, request.request_id(), common::DeterministicBytes(fingerprint),
      [&](DuplicateStore& store) -> absl::StatusOr<std::string> {
        CustomerStore& customers = store.customers();
        absl::StatusOr<LockedParticipants> participants = LockParticipants(customers, *ids);
        if (!participants.ok()) return participants.status();
        const StoredCustomer& survivor = participants->survivor;
        if (absl::Status s =
                common::CheckEtag(request.etag(), survivor.version, request.survivor());
            !s.ok()) {
          return s;
        }
        absl::StatusOr<MergePlan> plan = PlanMerge(
            survivor.customer, Customers(participants->merged), request.field_selections());
        if (!plan.ok()) return plan.status();
        const std::string reason =
            absl::StrCat("merged ", absl::StrJoin(request.merged_customers(), ", "), " into ",
                         request.survivor());

        StoredMerge journal;
        journal.survivor_id = ids->survivor;
        journal.merge.set_actor(call.caller.team);
        journal.merge.set_request_id(request.request_id());
        *journal.merge.mutable_merge_time() = now_proto;
        journal.survivor_before = survivor.customer;
        // Tombstones first: they free the organization keys the survivor may take.
        for (const StoredCustomer& merged : participants->merged) {
          v1::Customer tombstone = merged.customer;
          tombstone.set_merged_into(request.survivor());
          *tombstone.mutable_delete_time() = now_proto;
          *tombstone.mutable_update_time() = now_proto;
          absl::StatusOr<StoredCustomer> written =
              customers.UpdateCustomer(tombstone, merged.version);
          if (!written.ok()) return written.status();
          if (absl::Status s =
                  Audit(store, call, merged.customer.name(), crm::common::v1::AUDIT_ACTION_MERGE,
                        common::DiffMessages(merged.customer, written->customer), reason, now);
              !s.ok()) {
            return s;
          }
          journal.members.push_back({merged.id, merged.customer, written->version});
        }
        v1::Customer merged_survivor = plan->survivor;
        *merged_survivor.mutable_update_time() = now_proto;
        absl::StatusOr<StoredCustomer> written =
            customers.UpdateCustomer(merged_survivor, survivor.version);
        if (!written.ok()) return written.status();
        if (absl::Status s =
                Audit(store, call, request.survivor(), crm::common::v1::AUDIT_ACTION_MERGE,
                      common::DiffMessages(survivor.customer, written->customer), reason, now);
            !s.ok()) {
          return s;
        }
        journal.survivor_after = written->customer;

        absl::StatusOr<v1::CustomerMerge> merge =
            RecordMerge(store, call, journal, ids->merged, reason, now);
        if (!merge.ok()) return merge.status();
        v1::MergeCustomersResponse merged;
        *merged.mutable_survivor() = std::move(written->customer);
        *merged.mutable_merge() = *std::move(merge);
        return merged.SerializeAsString();
      });
  if (!stored_response.ok()) return stored_response.status();
  if (!response.ParseFromString(*stored_response)) {
    return absl::InternalError("stored MergeCustomers response is unreadable");
  }
  return absl::OkStatus();
}

absl::Status DuplicateService::UnmergeCustomers(const common::CallContext& call,
                                                const v1::UnmergeCustomersRequest& request,
                                                v1::UnmergeCustomersResponse& response) {
  if (absl::Status s = common::ValidateRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  absl::StatusOr<int64_t> merge_id = common::ParseResourceId("merge", request.merge(), kMerges);
  if (!merge_id.ok()) return merge_id.status();
  const absl::Time now = Now();
  const google::protobuf::Timestamp now_proto = common::ToProtoTimestamp(now);
  v1::UnmergeCustomersRequest fingerprint = request;
  fingerprint.clear_request_id();
  absl::StatusOr<std::string> stored_response = duplicates_.TransactOnce(
      call.deadline, kUnmergeMethod, request.request_id(), common::DeterministicBytes(fingerprint),
      [&](DuplicateStore& store) -> absl::StatusOr<std::string> {
        CustomerStore& customers = store.customers();
        absl::StatusOr<std::optional<StoredMerge>> locked = store.LockMerge(*merge_id);
        if (!locked.ok()) return locked.status();
        if (!locked->has_value()) {
          return absl::NotFoundError(absl::StrFormat("%s does not exist", request.merge()));
        }
        const StoredMerge& merge = **locked;
        if (merge.merge.state() != v1::CUSTOMER_MERGE_STATE_MERGED) {
          return absl::FailedPreconditionError(
              absl::StrFormat("%s is %s; only a MERGED merge can be undone", request.merge(),
                              v1::CustomerMergeState_Name(merge.merge.state())));
        }
        // Lock the survivor and the tombstones in ascending id order.
        std::vector<int64_t> order = {merge.survivor_id};
        for (const MergeMember& member : merge.members) order.push_back(member.customer_id);
        std::sort(order.begin(), order.end());
        std::map<int64_t, StoredCustomer> current;
        for (int64_t id : order) {
          absl::StatusOr<std::optional<StoredCustomer>> stored = customers.LockCustomer(id);
          if (!stored.ok()) return stored.status();
          if (!stored->has_value()) {
            return absl::InternalError("a customer of the merge journal no longer exists");
          }
          current[id] = **std::move(stored);
        }
        StoredCustomer& survivor = current[merge.survivor_id];
        const std::string& survivor_name = survivor.customer.name();
        if (!survivor.customer.merged_into().empty()) {
          return absl::FailedPreconditionError(
              absl::StrFormat("%s was merged into %s since; undo that merge first", survivor_name,
                              survivor.customer.merged_into()));
        }
        if (survivor.customer.has_delete_time()) {
          return absl::FailedPreconditionError(absl::StrFormat(
              "%s is deleted; undelete it before undoing the merge", survivor_name));
        }
        for (const MergeMember& member : merge.members) {
          const StoredCustomer& tombstone = current[member.customer_id];
          if (tombstone.version != member.version_after ||
              tombstone.customer.merged_into() != survivor_name) {
            return absl::FailedPreconditionError(absl::StrFormat(
                "%s was changed since the merge (e.g. undeleted); it cannot be restored from the "
                "journal",
                tombstone.customer.name()));
          }
        }
        v1::Customer restored_survivor = survivor.customer;
        if (absl::Status s = RestoreMergedFields(survivor_name, merge.survivor_before,
                                                 merge.survivor_after, restored_survivor);
            !s.ok()) {
          return s;
        }
        *restored_survivor.mutable_update_time() = now_proto;
        const std::string reason = absl::StrCat("unmerged ", request.merge());
        absl::StatusOr<StoredCustomer> survivor_written =
            customers.UpdateCustomer(restored_survivor, survivor.version);
        if (!survivor_written.ok()) return survivor_written.status();
        if (absl::Status s = Audit(
                store, call, survivor_name, crm::common::v1::AUDIT_ACTION_UNMERGE,
                common::DiffMessages(survivor.customer, survivor_written->customer), reason, now);
            !s.ok()) {
          return s;
        }
        if (absl::Status s = store.MoveChildRowsBack(merge.id, merge.survivor_id); !s.ok()) {
          return s;
        }
        v1::UnmergeCustomersResponse unmerged;
        for (const MergeMember& member : merge.members) {
          const StoredCustomer& tombstone = current[member.customer_id];
          v1::Customer revived = member.before;
          *revived.mutable_update_time() = now_proto;
          const crm::common::v1::OrganizationKey& key = revived.organization_key();
          if (!key.web_domain().empty()) {
            absl::StatusOr<std::optional<int64_t>> owner =
                customers.FindLiveByWebDomain(key.web_domain(), member.customer_id);
            if (!owner.ok()) return owner.status();
            if (owner->has_value()) {
              return absl::FailedPreconditionError(absl::StrFormat(
                  "%s cannot come back: its web domain %s is now the web domain of %s",
                  revived.name(), common::QuoteValue(key.web_domain()),
                  common::FormatResourceName(kCustomers, **owner)));
            }
          }
          if (!key.tax_id().empty()) {
            absl::StatusOr<std::optional<int64_t>> owner =
                customers.FindLiveByTaxId(key.tax_id(), member.customer_id);
            if (!owner.ok()) return owner.status();
            if (owner->has_value()) {
              return absl::FailedPreconditionError(
                  absl::StrFormat("%s cannot come back: its tax id %s is now the tax id of %s",
                                  revived.name(), common::QuoteValue(key.tax_id()),
                                  common::FormatResourceName(kCustomers, **owner)));
            }
          }
          absl::StatusOr<StoredCustomer> written =
              customers.UpdateCustomer(revived, tombstone.version);
          if (!written.ok()) return written.status();
          if (absl::Status s =
                  Audit(store, call, revived.name(), crm::common::v1::AUDIT_ACTION_UNMERGE,
                        common::DiffMessages(tombstone.customer, written->customer), reason, now);
              !s.ok()) {
            return s;
          }
          *unmerged.add_restored_customers() = std::move(written->customer);
        }
        if (absl::Status s = store.MarkUnmerged(merge.id, now); !s.ok()) return s;
        absl::StatusOr<std::optional<StoredMerge>> after = store.LockMerge(merge.id);
        if (!after.ok()) return after.status();
        if (!after->has_value()) return absl::InternalError("merge record vanished");
        if (absl::Status s =
                Audit(store, call, request.merge(), crm::common::v1::AUDIT_ACTION_UNMERGE,
                      common::DiffMessages(merge.merge, (*after)->merge), "", now);
            !s.ok()) {
          return s;
        }
        *unmerged.mutable_merge() = std::move((*after)->merge);
        *unmerged.mutable_survivor() = std::move(survivor_written->customer);
        return unmerged.SerializeAsString();
      });
  if (!stored_response.ok()) return stored_response.status();
  if (!response.ParseFromString(*stored_response)) {
    return absl::InternalError("stored UnmergeCustomers response is unreadable");
  }
  return absl::OkStatus();
}

absl::Status DuplicateService::GetCustomerMerge(const common::CallContext& call,
                                                const v1::GetCustomerMergeRequest& request,
                                                v1::GetCustomerMergeResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kMerges);
  if (!id.ok()) return id.status();
  absl::StatusOr<std::optional<StoredMerge>> stored = duplicates_.GetMerge(call.deadline, *id);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    return absl::NotFoundError(absl::StrFormat("%s does not exist", request.name()));
  }
  *response.mutable_customer_merge() = std::move((*stored)->merge);
  return absl::OkStatus();
}

absl::Status DuplicateService::ListCustomerMerges(const common::CallContext& call,
                                                  const v1::ListCustomerMergesRequest& request,
                                                  v1::ListCustomerMergesResponse& response) {
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  MergeListQuery query;
  absl::StatusOr<std::vector<MergeCondition>> conditions =
      common::ResolveFilter<MergeColumn>(request.filter(), MergeFilterFields());
  if (!conditions.ok()) return conditions.status();
  query.conditions = *std::move(conditions);
  query.limit = *page_size + 1;
  const std::string fingerprint =
      common::PageQueryFingerprint({"ListCustomerMerges", request.filter()});
  absl::StatusOr<std::optional<int64_t>> before =
      common::DecodeIdPageToken(request.page_token(), fingerprint);
  if (!before.ok()) return before.status();
  query.before_id = *before;
  absl::StatusOr<std::vector<StoredMerge>> rows = duplicates_.ListMerges(call.deadline, query);
  if (!rows.ok()) return rows.status();
  const bool more = static_cast<int>(rows->size()) > *page_size;
  if (more) rows->resize(*page_size);
  for (StoredMerge& row : *rows) *response.add_customer_merges() = std::move(row.merge);
  if (more) response.set_next_page_token(common::EncodeIdPageToken(rows->back().id, fingerprint));
  return absl::OkStatus();
}

}  // namespace crm::customer
