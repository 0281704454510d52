#ifndef CRM_SUPPLIER_SVC_REPOSITORY_MYSQL_SUPPLIER_REPOSITORY_H_
#define CRM_SUPPLIER_SVC_REPOSITORY_MYSQL_SUPPLIER_REPOSITORY_H_

#include <cppconn/connection.h>

#include <map>
#include <memory>

#include "common/mysql/pool.h"
#include "common/mysql/sql_query.h"
#include "supplier_svc/domain/supplier_repository.h"

namespace crm::supplier {

// The SupplierStore of an open transaction on `connection`, for another
// repository whose transaction also changes suppliers (e.g. consolidation).
std::unique_ptr<SupplierStore> MakeMySqlSupplierStore(sql::Connection& connection);

// The suppliers `ids` (live or not) read and locked (FOR UPDATE) with one
// statement inside the caller's transaction, by id; absent ids are missing.
// Throws sql::SQLException like any statement.
absl::StatusOr<std::map<int64_t, StoredSupplier>> LockSuppliersById(
    sql::Connection& connection, const std::vector<int64_t>& ids);

// Appends the SQL of ListSuppliers filter `conditions` (" AND ...") to a query
// whose suppliers table is aliased `s`, for other repositories that filter
// suppliers the same way (e.g. ListScorecards).
void AddSupplierFilterConditions(common::SqlQuery& query,
                                 const std::vector<SupplierCondition>& conditions);

// SupplierRepository over the crm_supplier schema (migrations/V001...):
// prepared statements only, keyset pagination only, every connector error
// mapped by common::SqlErrorToStatus.
class MySqlSupplierRepository final : public SupplierRepository {
 public:
  explicit MySqlSupplierRepository(common::MySqlPool& pool);

  absl::Status Transact(absl::Time deadline,
                        absl::FunctionRef<absl::Status(SupplierStore&)> body) override;
  absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(SupplierStore&)> body) override;
  absl::StatusOr<std::optional<StoredSupplier>> GetSupplier(absl::Time deadline,
                                                            int64_t id) override;
  absl::StatusOr<std::vector<StoredSupplier>> ListSuppliers(
      absl::Time deadline, const SupplierListQuery& query) override;
  absl::StatusOr<std::vector<StoredStatusChange>> ListStatusChanges(
      absl::Time deadline, const StatusChangeListQuery& query) override;
  absl::StatusOr<v1::SupplierSummary> ComputeSummary(
      absl::Time deadline, const std::vector<SupplierCondition>& conditions,
      absl::Time spend_since) override;

 private:
  common::MySqlPool& pool_;
};

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_REPOSITORY_MYSQL_SUPPLIER_REPOSITORY_H_
