#ifndef CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_DUPLICATE_REPOSITORY_H_
#define CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_DUPLICATE_REPOSITORY_H_

#include <string_view>

#include "absl/types/span.h"
#include "common/mysql/pool.h"
#include "customer_svc/domain/duplicate_repository.h"

namespace crm::customer {

// One column of customer_svc that points at a customer: a merge moves the rows
// whose `customer_column` is a merged customer to the survivor (journaled by
// `id_column`), an unmerge moves exactly those rows back. Moving changes only
// that column: a moved row keeps its version and times, so a merge followed by
// an unmerge leaves it byte for byte as it was.
struct MergeChildColumn {
  std::string_view table;
  std::string_view id_column;
  std::string_view customer_column;
  // ChildMoveCount.collection the rows are counted under.
  std::string_view collection;
};

// Every column of the schema that references a customer. Adding a table with
// a customer column is one line here; a MySQL test fails when a column named
// customer_id or *_customer_id (or customers.parent_id) is missing, or when a
// line names a column that does not exist. customers.parent_id moves the child
// accounts of a merged customer (the customers taking part in the merge
// themselves are excluded).
inline constexpr MergeChildColumn kMergeChildColumns[] = {
    {"lifecycle_transitions", "id", "customer_id", "lifecycleTransitions"},
    {"opportunities", "id", "customer_id", "opportunities"},
    {"customer_assignments", "id", "customer_id", "assignments"},
    {"interactions", "id", "customer_id", "interactions"},
    {"service_cases", "id", "customer_id", "serviceCases"},
    {"purchases", "id", "customer_id", "purchases"},
    {"loyalty_transactions", "id", "customer_id", "loyaltyTransactions"},
    {"referrals", "id", "customer_id", "referrals"},
    {"referrals", "id", "referred_customer_id", "referredBy"},
    {"feedback", "id", "customer_id", "feedback"},
    {"win_back_attempts", "id", "customer_id", "winBackAttempts"},
    {"special_prices", "id", "customer_id", "specialPrices"},
    {"customers", "id", "parent_id", "childAccounts"},
};

// The merge operations on `connection`, inside the transaction it runs.
std::unique_ptr<DuplicateStore> MakeMySqlDuplicateStore(sql::Connection& connection);

// DuplicateRepository over the crm_customer schema (migrations/V007...).
// Normalized match keys are computed in SQL with the same rules as
// NormalizeValue (duplicate_rules.h), so exact rules group customers with one
// GROUP BY over the table.
class MySqlDuplicateRepository final : public DuplicateRepository {
 public:
  explicit MySqlDuplicateRepository(common::MySqlPool& pool);

  absl::Status Transact(absl::Time deadline,
                        absl::FunctionRef<absl::Status(DuplicateStore&)> body) override;
  absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(DuplicateStore&)> body) override;
  absl::StatusOr<std::optional<StoredDuplicateRule>> GetRule(absl::Time deadline,
                                                             int64_t id) override;
  absl::StatusOr<std::vector<StoredDuplicateRule>> ListRules(
      absl::Time deadline, const DuplicateRuleListQuery& query) override;
  absl::StatusOr<std::vector<StoredDuplicateRule>> ListEnabledRules(absl::Time deadline) override;
  absl::StatusOr<std::vector<std::vector<int64_t>>> FindKeyGroups(
      absl::Time deadline, const KeyGroupQuery& query) override;
  absl::StatusOr<std::vector<std::pair<int64_t, int64_t>>> FindFuzzyPairs(
      absl::Time deadline, const FuzzyPairQuery& query) override;
  absl::StatusOr<std::optional<StoredMerge>> GetMerge(absl::Time deadline, int64_t id) override;
  absl::StatusOr<std::vector<StoredMerge>> ListMerges(absl::Time deadline,
                                                      const MergeListQuery& query) override;

  // The SQL expression of `key` over the customers row aliased `alias`
  // (exposed so a test can check it against NormalizeValue).
  static std::string KeySql(const MatchKey& key, std::string_view alias);

 private:
  common::MySqlPool& pool_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_DUPLICATE_REPOSITORY_H_
