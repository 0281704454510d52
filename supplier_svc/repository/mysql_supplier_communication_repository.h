#ifndef CRM_SUPPLIER_SVC_REPOSITORY_MYSQL_SUPPLIER_COMMUNICATION_REPOSITORY_H_
#define CRM_SUPPLIER_SVC_REPOSITORY_MYSQL_SUPPLIER_COMMUNICATION_REPOSITORY_H_

#include "common/mysql/pool.h"
#include "supplier_svc/domain/supplier_communication_repository.h"

namespace crm::supplier {

// SupplierCommunicationRepository over supplier_communications and
// supplier_communication_resources (migrations/V005): prepared statements
// only, keyset pagination only.
class MySqlSupplierCommunicationRepository final : public SupplierCommunicationRepository {
 public:
  explicit MySqlSupplierCommunicationRepository(common::MySqlPool& pool);

  absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(CommunicationStore&)> body) override;
  absl::StatusOr<bool> SupplierExists(absl::Time deadline, int64_t supplier_id) override;
  absl::StatusOr<std::optional<StoredCommunication>> GetCommunication(absl::Time deadline,
                                                                      int64_t supplier_id,
                                                                      int64_t id) override;
  absl::StatusOr<std::vector<StoredCommunication>> ListCommunications(
      absl::Time deadline, const CommunicationListQuery& query) override;

 private:
  common::MySqlPool& pool_;
};

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_REPOSITORY_MYSQL_SUPPLIER_COMMUNICATION_REPOSITORY_H_
