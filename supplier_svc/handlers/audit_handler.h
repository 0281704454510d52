#ifndef CRM_SUPPLIER_SVC_HANDLERS_AUDIT_HANDLER_H_
#define CRM_SUPPLIER_SVC_HANDLERS_AUDIT_HANDLER_H_

#include "common/mysql/pool.h"
#include "common/server/call_runner.h"
#include "crm/supplier/v1/audit_service.grpc.pb.h"

namespace crm::supplier {

// crm.supplier.v1.AuditService over gRPC: the audit log every supplier_svc
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

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_HANDLERS_AUDIT_HANDLER_H_
