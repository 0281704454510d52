#ifndef CRM_SUPPLIER_SVC_DOMAIN_SUPPLIER_COMMUNICATION_SERVICE_H_
#define CRM_SUPPLIER_SVC_DOMAIN_SUPPLIER_COMMUNICATION_SERVICE_H_

#include "absl/status/status.h"
#include "common/server/call_runner.h"
#include "crm/supplier/v1/supplier_communication_service.pb.h"
#include "supplier_svc/domain/supplier_communication_repository.h"
#include "supplier_svc/domain/supplier_service.h"

namespace crm::supplier {

// The rules of crm.supplier.v1.SupplierCommunicationService: an immutable
// log per supplier; Create validates, records the entry with its audit
// entry in one transaction and is idempotent per request_id.
class SupplierCommunicationService {
 public:
  SupplierCommunicationService(SupplierCommunicationRepository& repository, Clock clock);

  absl::Status GetSupplierCommunication(const common::CallContext& call,
                                        const v1::GetSupplierCommunicationRequest& request,
                                        v1::GetSupplierCommunicationResponse& response);
  absl::Status ListSupplierCommunications(const common::CallContext& call,
                                          const v1::ListSupplierCommunicationsRequest& request,
                                          v1::ListSupplierCommunicationsResponse& response);
  absl::Status CreateSupplierCommunication(const common::CallContext& call,
                                           const v1::CreateSupplierCommunicationRequest& request,
                                           v1::CreateSupplierCommunicationResponse& response);

 private:
  absl::Time Now() const;

  SupplierCommunicationRepository& repository_;
  Clock clock_;
};

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_DOMAIN_SUPPLIER_COMMUNICATION_SERVICE_H_
