#ifndef CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_INTERACTION_REPOSITORY_H_
#define CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_INTERACTION_REPOSITORY_H_

#include "common/mysql/pool.h"
#include "customer_svc/domain/interaction_repository.h"

namespace crm::customer {

// InteractionRepository over the tables interactions and
// interaction_related_resources (migrations/V004...): prepared statements
// only, keyset pagination only, connector errors mapped by the common
// transaction helpers.
class MySqlInteractionRepository final : public InteractionRepository {
 public:
  explicit MySqlInteractionRepository(common::MySqlPool& pool);

  absl::Status Transact(absl::Time deadline,
                        absl::FunctionRef<absl::Status(InteractionStore&)> body) override;
  absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(InteractionStore&)> body) override;
  absl::StatusOr<std::optional<ParentCustomer>> GetParentCustomer(absl::Time deadline,
                                                                  int64_t customer_id) override;
  absl::StatusOr<std::optional<StoredInteraction>> GetInteraction(absl::Time deadline,
                                                                  int64_t customer_id,
                                                                  int64_t id) override;
  absl::StatusOr<std::vector<StoredInteraction>> ListInteractions(
      absl::Time deadline, const InteractionListQuery& query) override;

 private:
  common::MySqlPool& pool_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_INTERACTION_REPOSITORY_H_
