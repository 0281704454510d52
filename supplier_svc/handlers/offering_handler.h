#ifndef CRM_SUPPLIER_SVC_HANDLERS_OFFERING_HANDLER_H_
#define CRM_SUPPLIER_SVC_HANDLERS_OFFERING_HANDLER_H_

#include <memory>

#include "common/server/call_runner.h"
#include "crm/supplier/v1/offering_service.grpc.pb.h"
#include "supplier_svc/domain/offering_service.h"

namespace crm::supplier {

// crm.supplier.v1.OfferingService over gRPC: each RPC runs the domain method
// through the CallRunner (auth, scope, worker pool).
class OfferingHandler final : public v1::OfferingService::CallbackService {
 public:
  OfferingHandler(common::CallRunner& runner, std::shared_ptr<OfferingRepository> repository,
                  Clock clock);

  grpc::ServerUnaryReactor* GetOffering(grpc::CallbackServerContext* ctx,
                                        const v1::GetOfferingRequest* request,
                                        v1::GetOfferingResponse* response) override;
  grpc::ServerUnaryReactor* ListOfferings(grpc::CallbackServerContext* ctx,
                                          const v1::ListOfferingsRequest* request,
                                          v1::ListOfferingsResponse* response) override;
  grpc::ServerUnaryReactor* CreateOffering(grpc::CallbackServerContext* ctx,
                                           const v1::CreateOfferingRequest* request,
                                           v1::CreateOfferingResponse* response) override;
  grpc::ServerUnaryReactor* UpdateOffering(grpc::CallbackServerContext* ctx,
                                           const v1::UpdateOfferingRequest* request,
                                           v1::UpdateOfferingResponse* response) override;
  grpc::ServerUnaryReactor* DeleteOffering(grpc::CallbackServerContext* ctx,
                                           const v1::DeleteOfferingRequest* request,
                                           v1::DeleteOfferingResponse* response) override;
  grpc::ServerUnaryReactor* UndeleteOffering(grpc::CallbackServerContext* ctx,
                                             const v1::UndeleteOfferingRequest* request,
                                             v1::UndeleteOfferingResponse* response) override;
  grpc::ServerUnaryReactor* BestPrice(grpc::CallbackServerContext* ctx,
                                      const v1::BestPriceRequest* request,
                                      v1::BestPriceResponse* response) override;

 private:
  common::CallRunner& runner_;
  std::shared_ptr<OfferingRepository> repository_;
  OfferingService service_;
};

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_HANDLERS_OFFERING_HANDLER_H_
