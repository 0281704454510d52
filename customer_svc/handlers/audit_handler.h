#ifndef CRM_CUSTOMER_SVC_HANDLERS_AUDIT_HANDLER_H_
#define CRM_CUSTOMER_SVC_HANDLERS_AUDIT_HANDLER_H_

#include "common/mysql/pool.h"
#include "common/server/call_runner.h"
#include "crm/customer/v1/audit_service.grpc.pb.h"

namespace crm::customer {

// crm.customer.v1.AuditService over gRPC: the audit log every customer_svc
// change writes (common/audit), listed per resource and its children.
class AuditHandler final : public v1::AuditService::CallbackService {
 public:
  AuditHandler(common::CallRunner& runner, common::MySqlPool& pool);

  grpc::ServerUnaryReactor* ListAuditEntries(grpc::CallbackServerContext* ctx,
                                             const v1::ListAuditEntriesRequest* request,
                                             v1::ListAuditEntriesResponse* response) override;

 private:
  common::CallRunner& runner_;
  common::MySqlPool& pool_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_HANDLERS_AUDIT_HANDLER_H_
