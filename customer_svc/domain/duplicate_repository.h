#ifndef CRM_CUSTOMER_SVC_DOMAIN_DUPLICATE_REPOSITORY_H_
#define CRM_CUSTOMER_SVC_DOMAIN_DUPLICATE_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/filter_fields.h"
#include "crm/common/v1/audit.pb.h"
#include "crm/customer/v1/customer.pb.h"
#include "crm/customer/v1/duplicate.pb.h"
#include "customer_svc/domain/customer_repository.h"
#include "customer_svc/domain/duplicate_rules.h"

namespace crm::customer {

// A duplicate rule as stored (name, etag and times filled in).
struct StoredDuplicateRule {
  int64_t id = 0;
  int64_t version = 0;
  v1::DuplicateRule rule;
};

enum class DuplicateRuleColumn { kEnabled, kDisplayName };
using DuplicateRuleCondition = common::Condition<DuplicateRuleColumn>;
enum class DuplicateRuleOrder { kDisplayName, kCreateTime };

struct DuplicateRuleListQuery {
  std::vector<DuplicateRuleCondition> conditions;
  DuplicateRuleOrder order = DuplicateRuleOrder::kDisplayName;
  bool descending = false;
  bool show_deleted = false;
  // Keyset start: after the row with this sort value (DATETIME(6) text for
  // create_time) and id, in the query's direction.
  std::optional<std::pair<std::string, int64_t>> after;
  int limit = 50;
};

// A normalized customer value SQL computes: a column field under a normalizer.
struct MatchKey {
  MatchField field = MatchField::kEmail;
  v1::Normalizer normalizer = v1::NORMALIZER_NONE;
};

// Live customers whose keys are all equal and non-empty, grouped.
struct KeyGroupQuery {
  std::vector<MatchKey> keys;          // at least one
  std::optional<int64_t> customer_id;  // only the group containing this customer
  int64_t after_first_id = 0;          // groups whose smallest id is above this
  int limit = 50;                      // groups at most
};

// Candidate pairs for a fuzzy comparison of one column field: live customers
// whose normalized values are non-empty, share their first or last three
// characters and differ in length by at most `max_distance` (blocking; the
// edit distance itself is checked by the caller).
struct FuzzyPairQuery {
  MatchKey key;
  int max_distance = 1;
  std::optional<int64_t> customer_id;  // only pairs containing this customer
};

// A merge record with what UnmergeCustomers needs.
struct MergeMember {
  int64_t customer_id = 0;
  v1::Customer before;        // the full record before the merge
  int64_t version_after = 0;  // its version right after the merge
};

struct StoredMerge {
  int64_t id = 0;
  int64_t survivor_id = 0;
  v1::CustomerMerge merge;       // name, survivor, merged_customers, moves, state, ...
  v1::Customer survivor_before;  // the survivor right before the merge
  v1::Customer survivor_after;   // and right after it
  std::vector<MergeMember> members;
};

enum class MergeColumn { kSurvivor, kMergedCustomer, kState, kMergeTime };
using MergeCondition = common::Condition<MergeColumn>;

// Merges newest first (descending id).
struct MergeListQuery {
  std::vector<MergeCondition> conditions;
  std::optional<int64_t> before_id;
  int limit = 50;
};

// One transaction's operations. Reads lock what they return until it ends.
class DuplicateStore {
 public:
  virtual ~DuplicateStore() = default;

  // The customer operations of the same transaction.
  virtual CustomerStore& customers() = 0;

  virtual absl::StatusOr<std::optional<StoredDuplicateRule>> LockRule(int64_t id) = 0;
  // Inserts with version 1.
  virtual absl::StatusOr<StoredDuplicateRule> InsertRule(const v1::DuplicateRule& rule) = 0;
  // Writes display_name, conditions, enabled and the times of `rule` (id from
  // its name) and bumps the version from `expected_version`.
  virtual absl::StatusOr<StoredDuplicateRule> UpdateRule(const v1::DuplicateRule& rule,
                                                         int64_t expected_version) = 0;
  virtual absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) = 0;

  // Child rows of `merged_ids` per collection (every collection listed, zero
  // counts included), as merging them into `survivor_id` would move them.
  virtual absl::StatusOr<std::vector<v1::ChildMoveCount>> CountChildRows(
      int64_t survivor_id, const std::vector<int64_t>& merged_ids) = 0;
  // Inserts the merge record (state MERGED, moves empty) with its members;
  // returns its id.
  virtual absl::StatusOr<int64_t> InsertMerge(const StoredMerge& merge) = 0;
  // Journals every child row of `merged_ids` under `merge_id` and points it at
  // `survivor_id`; returns the moves per collection. A row that cannot move
  // (a uniqueness per customer) is FAILED_PRECONDITION naming the table.
  virtual absl::StatusOr<std::vector<v1::ChildMoveCount>> MoveChildRows(
      int64_t merge_id, int64_t survivor_id, const std::vector<int64_t>& merged_ids) = 0;
  virtual absl::Status SetMergeMoves(int64_t merge_id,
                                     const std::vector<v1::ChildMoveCount>& moves) = 0;
  virtual absl::StatusOr<std::optional<StoredMerge>> LockMerge(int64_t id) = 0;
  // Moves every row journaled under `merge_id` back to its merged customer.
  // FAILED_PRECONDITION when a journaled row no longer points at the survivor.
  virtual absl::Status MoveChildRowsBack(int64_t merge_id, int64_t survivor_id) = 0;
  virtual absl::Status MarkUnmerged(int64_t merge_id, absl::Time time) = 0;
};

// Storage of duplicate rules, duplicate detection queries and merge journals.
class DuplicateRepository {
 public:
  virtual ~DuplicateRepository() = default;

  // One transaction (see CustomerRepository::Transact).
  virtual absl::Status Transact(absl::Time deadline,
                                absl::FunctionRef<absl::Status(DuplicateStore&)> body) = 0;
  // Exactly once per (method, request_id) (see common::RunIdempotent).
  virtual absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(DuplicateStore&)> body) = 0;

  virtual absl::StatusOr<std::optional<StoredDuplicateRule>> GetRule(absl::Time deadline,
                                                                     int64_t id) = 0;
  virtual absl::StatusOr<std::vector<StoredDuplicateRule>> ListRules(
      absl::Time deadline, const DuplicateRuleListQuery& query) = 0;
  // Every live, enabled rule, by id.
  virtual absl::StatusOr<std::vector<StoredDuplicateRule>> ListEnabledRules(
      absl::Time deadline) = 0;

  // Groups by smallest id; each group's ids oldest first (create_time, id).
  virtual absl::StatusOr<std::vector<std::vector<int64_t>>> FindKeyGroups(
      absl::Time deadline, const KeyGroupQuery& query) = 0;
  // Pairs (smaller id first) of the blocking described at FuzzyPairQuery.
  virtual absl::StatusOr<std::vector<std::pair<int64_t, int64_t>>> FindFuzzyPairs(
      absl::Time deadline, const FuzzyPairQuery& query) = 0;

  virtual absl::StatusOr<std::optional<StoredMerge>> GetMerge(absl::Time deadline, int64_t id) = 0;
  virtual absl::StatusOr<std::vector<StoredMerge>> ListMerges(absl::Time deadline,
                                                              const MergeListQuery& query) = 0;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_DUPLICATE_REPOSITORY_H_
