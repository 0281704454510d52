#ifndef CRM_SUPPLIER_SVC_HANDLERS_SUPPLIER_HANDLER_H_
#define CRM_SUPPLIER_SVC_HANDLERS_SUPPLIER_HANDLER_H_

#include <memory>

#include "common/server/call_runner.h"
#include "crm/supplier/v1/supplier_service.grpc.pb.h"
#include "supplier_svc/domain/supplier_service.h"

namespace crm::supplier {

// crm.supplier.v1.SupplierService over gRPC: each RPC runs the domain method
// through the CallRunner (auth, scope, worker pool).
class SupplierHandler final : public v1::SupplierService::CallbackService {
 public:
  SupplierHandler(common::CallRunner& runner, std::shared_ptr<SupplierRepository> repository,
                  Clock clock);

  grpc::ServerUnaryReactor* GetSupplier(grpc::CallbackServerContext* ctx,
                                        const v1::GetSupplierRequest* request,
                                        v1::GetSupplierResponse* response) override;
  grpc::ServerUnaryReactor* ListSuppliers(grpc::CallbackServerContext* ctx,
                                          const v1::ListSuppliersRequest* request,
                                          v1::ListSuppliersResponse* response) override;
  grpc::ServerUnaryReactor* GetSupplierSummary(grpc::CallbackServerContext* ctx,
                                               const v1::GetSupplierSummaryRequest* request,
                                               v1::GetSupplierSummaryResponse* response) override;
  grpc::ServerUnaryReactor* CreateSupplier(grpc::CallbackServerContext* ctx,
                                           const v1::CreateSupplierRequest* request,
                                           v1::CreateSupplierResponse* response) override;
  grpc::ServerUnaryReactor* UpdateSupplier(grpc::CallbackServerContext* ctx,
                                           const v1::UpdateSupplierRequest* request,
                                           v1::UpdateSupplierResponse* response) override;
  grpc::ServerUnaryReactor* DeleteSupplier(grpc::CallbackServerContext* ctx,
                                           const v1::DeleteSupplierRequest* request,
                                           v1::DeleteSupplierResponse* response) override;
  grpc::ServerUnaryReactor* UndeleteSupplier(grpc::CallbackServerContext* ctx,
                                             const v1::UndeleteSupplierRequest* request,
                                             v1::UndeleteSupplierResponse* response) override;
  grpc::ServerUnaryReactor* ChangeSupplierStatus(
      grpc::CallbackServerContext* ctx, const v1::ChangeSupplierStatusRequest* request,
      v1::ChangeSupplierStatusResponse* response) override;
  grpc::ServerUnaryReactor* ListSupplierStatusChanges(
      grpc::CallbackServerContext* ctx, const v1::ListSupplierStatusChangesRequest* request,
      v1::ListSupplierStatusChangesResponse* response) override;

 private:
  common::CallRunner& runner_;
  std::shared_ptr<SupplierRepository> repository_;
  SupplierService service_;
};

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_HANDLERS_SUPPLIER_HANDLER_H_
