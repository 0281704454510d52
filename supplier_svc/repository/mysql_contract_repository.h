#ifndef CRM_SUPPLIER_SVC_REPOSITORY_MYSQL_CONTRACT_REPOSITORY_H_
#define CRM_SUPPLIER_SVC_REPOSITORY_MYSQL_CONTRACT_REPOSITORY_H_

#include <cppconn/connection.h>

#include <memory>

#include "common/mysql/pool.h"
#include "supplier_svc/domain/contract_repository.h"

namespace crm::supplier {

// The ContractStore of an open transaction on `connection`, for another
// repository whose transaction also changes contracts (purchase orders).
std::unique_ptr<ContractStore> MakeMySqlContractStore(sql::Connection& connection);

// ContractRepository over the contracts and contract_lines tables (V002,
// V003): prepared statements only, keyset pagination only.
class MySqlContractRepository final : public ContractRepository {
 public:
  explicit MySqlContractRepository(common::MySqlPool& pool);

  absl::Status Transact(absl::Time deadline,
                        absl::FunctionRef<absl::Status(ContractStore&)> body) override;
  absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(ContractStore&)> body) override;
  absl::StatusOr<std::optional<StoredContract>> GetContract(absl::Time deadline,
                                                            int64_t id) override;
  absl::StatusOr<std::vector<StoredContract>> ListContracts(
      absl::Time deadline, const ContractListQuery& query) override;

 private:
  common::MySqlPool& pool_;
};

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_REPOSITORY_MYSQL_CONTRACT_REPOSITORY_H_
