#include "supplier_svc/handlers/offering_handler.h"

#include <utility>

#include "common/server/scopes.h"

namespace crm::supplier {

OfferingHandler::OfferingHandler(common::CallRunner& runner,
                                 std::shared_ptr<OfferingRepository> repository, Clock clock)
    : runner_(runner),
      repository_(std::move(repository)),
      service_(*repository_, std::move(clock)) {}

grpc::ServerUnaryReactor* OfferingHandler::GetOffering(grpc::CallbackServerContext* ctx,
                                                       const v1::GetOfferingRequest* request,
                                                       v1::GetOfferingResponse* response) {
  return runner_.Run(ctx, common::kSuppliersRead, [=, this](const common::CallContext& call) {
    return service_.GetOffering(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* OfferingHandler::ListOfferings(grpc::CallbackServerContext* ctx,
                                                         const v1::ListOfferingsRequest* request,
                                                         v1::ListOfferingsResponse* response) {
  return runner_.Run(ctx, common::kSuppliersRead, [=, this](const common::CallContext& call) {
    return service_.ListOfferings(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* OfferingHandler::CreateOffering(grpc::CallbackServerContext* ctx,
                                                          const v1::CreateOfferingRequest* request,
                                                          v1::CreateOfferingResponse* response) {
  return runner_.Run(ctx, common::kSuppliersWrite, [=, this](const common::CallContext& call) {
    return service_.CreateOffering(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* OfferingHandler::UpdateOffering(grpc::CallbackServerContext* ctx,
                                                          const v1::UpdateOfferingRequest* request,
                                                          v1::UpdateOfferingResponse* response) {
  return runner_.Run(ctx, common::kSuppliersWrite, [=, this](const common::CallContext& call) {
    return service_.UpdateOffering(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* OfferingHandler::DeleteOffering(grpc::CallbackServerContext* ctx,
                                                          const v1::DeleteOfferingRequest* request,
                                                          v1::DeleteOfferingResponse* response) {
  return runner_.Run(ctx, common::kSuppliersWrite, [=, this](const common::CallContext& call) {
    return service_.DeleteOffering(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* OfferingHandler::UndeleteOffering(
    grpc::CallbackServerContext* ctx, const v1::UndeleteOfferingRequest* request,
    v1::UndeleteOfferingResponse* response) {
  return runner_.Run(ctx, common::kSuppliersWrite, [=, this](const common::CallContext& call) {
    return service_.UndeleteOffering(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* OfferingHandler::BestPrice(grpc::CallbackServerContext* ctx,
                                                     const v1::BestPriceRequest* request,
                                                     v1::BestPriceResponse* response) {
  return runner_.Run(ctx, common::kSuppliersRead, [=, this](const common::CallContext& call) {
    return service_.BestPrice(call, *request, *response);
  });
}

}  // namespace crm::supplier
