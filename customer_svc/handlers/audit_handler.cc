#include "customer_svc/handlers/audit_handler.h"

#include "common/audit/audit_log.h"
#include "common/server/scopes.h"

namespace crm::customer {

AuditHandler::AuditHandler(common::CallRunner& runner, common::MySqlPool& pool)
    : runner_(runner), pool_(pool) {}

grpc::ServerUnaryReactor* AuditHandler::ListAuditEntries(
    grpc::CallbackServerContext* ctx, const v1::ListAuditEntriesRequest* request,
    v1::ListAuditEntriesResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return common::ListAuditEntries(pool_, call, *request, *response,
                                    {"customers", "pipelineStages", "employees", "enpsSurveys",
                                     "priceListEntries", "tierDiscounts", "duplicateRules",
                                     "winBackCampaigns", "customerMerges"});
  });
}

}  // namespace crm::customer
