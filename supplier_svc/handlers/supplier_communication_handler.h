#ifndef CRM_SUPPLIER_SVC_HANDLERS_SUPPLIER_COMMUNICATION_HANDLER_H_
#define CRM_SUPPLIER_SVC_HANDLERS_SUPPLIER_COMMUNICATION_HANDLER_H_

#include <memory>

#include "common/server/call_runner.h"
#include "crm/supplier/v1/supplier_communication_service.grpc.pb.h"
#include "supplier_svc/domain/supplier_communication_service.h"

namespace crm::supplier {

// crm.supplier.v1.SupplierCommunicationService over gRPC: each RPC runs the
// domain method through the CallRunner (auth, scope, worker pool).
class SupplierCommunicationHandler final
    : public v1::SupplierCommunicationService::CallbackService {
 public:
  SupplierCommunicationHandler(common::CallRunner& runner,
                               std::shared_ptr<SupplierCommunicationRepository> repository,
                               Clock clock);

  grpc::ServerUnaryReactor* GetSupplierCommunication(
      grpc::CallbackServerContext* ctx, const v1::GetSupplierCommunicationRequest* request,
      v1::GetSupplierCommunicationResponse* response) override;
  grpc::ServerUnaryReactor* ListSupplierCommunications(
      grpc::CallbackServerContext* ctx, const v1::ListSupplierCommunicationsRequest* request,
      v1::ListSupplierCommunicationsResponse* response) override;
  grpc::ServerUnaryReactor* CreateSupplierCommunication(
      grpc::CallbackServerContext* ctx, const v1::CreateSupplierCommunicationRequest* request,
      v1::CreateSupplierCommunicationResponse* response) override;

 private:
  common::CallRunner& runner_;
  std::shared_ptr<SupplierCommunicationRepository> repository_;
  SupplierCommunicationService service_;
};

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_HANDLERS_SUPPLIER_COMMUNICATION_HANDLER_H_
