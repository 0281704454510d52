#ifndef CRM_SUPPLIER_SVC_DOMAIN_SUPPLIER_SERVICE_H_
#define CRM_SUPPLIER_SVC_DOMAIN_SUPPLIER_SERVICE_H_

#include <functional>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/server/call_runner.h"
#include "crm/supplier/v1/supplier_service.pb.h"
#include "supplier_svc/domain/supplier_repository.h"

namespace crm::supplier {

// Returns the current time; injected so tests control it.
using Clock = std::function<absl::Time()>;

// The rules of crm.supplier.v1.SupplierService, independent of gRPC and SQL:
// each method validates the request, applies the rules and stores the change
// with its audit entry (and status change) in one transaction.
class SupplierService {
 public:
  SupplierService(SupplierRepository& repository, Clock clock);

  absl::Status GetSupplier(const common::CallContext& call, const v1::GetSupplierRequest& request,
                           v1::GetSupplierResponse& response);
  absl::Status ListSuppliers(const common::CallContext& call,
                             const v1::ListSuppliersRequest& request,
                             v1::ListSuppliersResponse& response);
  absl::Status GetSupplierSummary(const common::CallContext& call,
                                  const v1::GetSupplierSummaryRequest& request,
                                  v1::GetSupplierSummaryResponse& response);
  absl::Status CreateSupplier(const common::CallContext& call,
                              const v1::CreateSupplierRequest& request,
                              v1::CreateSupplierResponse& response);
  absl::Status UpdateSupplier(const common::CallContext& call,
                              const v1::UpdateSupplierRequest& request,
                              v1::UpdateSupplierResponse& response);
  absl::Status DeleteSupplier(const common::CallContext& call,
                              const v1::DeleteSupplierRequest& request,
                              v1::DeleteSupplierResponse& response);
  absl::Status UndeleteSupplier(const common::CallContext& call,
                                const v1::UndeleteSupplierRequest& request,
                                v1::UndeleteSupplierResponse& response);
  absl::Status ChangeSupplierStatus(const common::CallContext& call,
                                    const v1::ChangeSupplierStatusRequest& request,
                                    v1::ChangeSupplierStatusResponse& response);
  absl::Status ListSupplierStatusChanges(const common::CallContext& call,
                                         const v1::ListSupplierStatusChangesRequest& request,
                                         v1::ListSupplierStatusChangesResponse& response);

 private:
  // Now, truncated to the microseconds MySQL stores.
  absl::Time Now() const;
  // The supplier as a caller sees it: qualifications marked current for today.
  v1::Supplier Present(v1::Supplier supplier) const;
  // ALREADY_EXISTS naming the key when another live supplier has it.
  absl::Status CheckOrganizationKeyFree(SupplierStore& store, const v1::Supplier& supplier,
                                        int64_t self_id);
  // Writes `updated` over `stored` with an audit entry of the differences.
  absl::StatusOr<StoredSupplier> StoreChange(SupplierStore& store, const common::CallContext& call,
                                             const StoredSupplier& stored, v1::Supplier updated,
                                             crm::common::v1::AuditAction action,
                                             std::string_view reason, absl::Time now);

  SupplierRepository& repository_;
  Clock clock_;
};

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_DOMAIN_SUPPLIER_SERVICE_H_
