#ifndef CRM_CUSTOMER_SVC_HANDLERS_PRICING_HANDLER_H_
#define CRM_CUSTOMER_SVC_HANDLERS_PRICING_HANDLER_H_

#include <memory>
#include <string_view>

#include "common/server/call_runner.h"
#include "crm/customer/v1/pricing_service.grpc.pb.h"
#include "customer_svc/domain/pricing_service.h"

namespace crm::customer {

// crm.customer.v1.PricingService over gRPC: each RPC runs the domain method
// through the CallRunner (auth, scope, worker pool).
class PricingHandler final : public v1::PricingService::CallbackService {
 public:
  PricingHandler(common::CallRunner& runner, std::shared_ptr<PricingRepository> repository,
                 Clock clock);

  grpc::ServerUnaryReactor* GetPriceListEntry(grpc::CallbackServerContext* ctx,
                                              const v1::GetPriceListEntryRequest* request,
                                              v1::GetPriceListEntryResponse* response) override;
  grpc::ServerUnaryReactor* ListPriceListEntries(
      grpc::CallbackServerContext* ctx, const v1::ListPriceListEntriesRequest* request,
      v1::ListPriceListEntriesResponse* response) override;
  grpc::ServerUnaryReactor* CreatePriceListEntry(
      grpc::CallbackServerContext* ctx, const v1::CreatePriceListEntryRequest* request,
      v1::CreatePriceListEntryResponse* response) override;
  grpc::ServerUnaryReactor* UpdatePriceListEntry(
      grpc::CallbackServerContext* ctx, const v1::UpdatePriceListEntryRequest* request,
      v1::UpdatePriceListEntryResponse* response) override;
  grpc::ServerUnaryReactor* DeletePriceListEntry(
      grpc::CallbackServerContext* ctx, const v1::DeletePriceListEntryRequest* request,
      v1::DeletePriceListEntryResponse* response) override;
  grpc::ServerUnaryReactor* UndeletePriceListEntry(
      grpc::CallbackServerContext* ctx, const v1::UndeletePriceListEntryRequest* request,
      v1::UndeletePriceListEntryResponse* response) override;
  grpc::ServerUnaryReactor* GetTierDiscount(grpc::CallbackServerContext* ctx,
                                            const v1::GetTierDiscountRequest* request,
                                            v1::GetTierDiscountResponse* response) override;
  grpc::ServerUnaryReactor* ListTierDiscounts(grpc::CallbackServerContext* ctx,
                                              const v1::ListTierDiscountsRequest* request,
                                              v1::ListTierDiscountsResponse* response) override;
  grpc::ServerUnaryReactor* CreateTierDiscount(grpc::CallbackServerContext* ctx,
                                               const v1::CreateTierDiscountRequest* request,
                                               v1::CreateTierDiscountResponse* response) override;
  grpc::ServerUnaryReactor* UpdateTierDiscount(grpc::CallbackServerContext* ctx,
                                               const v1::UpdateTierDiscountRequest* request,
                                               v1::UpdateTierDiscountResponse* response) override;
  grpc::ServerUnaryReactor* DeleteTierDiscount(grpc::CallbackServerContext* ctx,
                                               const v1::DeleteTierDiscountRequest* request,
                                               v1::DeleteTierDiscountResponse* response) override;
  grpc::ServerUnaryReactor* UndeleteTierDiscount(
      grpc::CallbackServerContext* ctx, const v1::UndeleteTierDiscountRequest* request,
      v1::UndeleteTierDiscountResponse* response) override;
  grpc::ServerUnaryReactor* GetSpecialPrice(grpc::CallbackServerContext* ctx,
                                            const v1::GetSpecialPriceRequest* request,
                                            v1::GetSpecialPriceResponse* response) override;
  grpc::ServerUnaryReactor* ListSpecialPrices(grpc::CallbackServerContext* ctx,
                                              const v1::ListSpecialPricesRequest* request,
                                              v1::ListSpecialPricesResponse* response) override;
  grpc::ServerUnaryReactor* CreateSpecialPrice(grpc::CallbackServerContext* ctx,
                                               const v1::CreateSpecialPriceRequest* request,
                                               v1::CreateSpecialPriceResponse* response) override;
  grpc::ServerUnaryReactor* UpdateSpecialPrice(grpc::CallbackServerContext* ctx,
                                               const v1::UpdateSpecialPriceRequest* request,
                                               v1::UpdateSpecialPriceResponse* response) override;
  grpc::ServerUnaryReactor* DeleteSpecialPrice(grpc::CallbackServerContext* ctx,
                                               const v1::DeleteSpecialPriceRequest* request,
                                               v1::DeleteSpecialPriceResponse* response) override;
  grpc::ServerUnaryReactor* UndeleteSpecialPrice(
      grpc::CallbackServerContext* ctx, const v1::UndeleteSpecialPriceRequest* request,
      v1::UndeleteSpecialPriceResponse* response) override;
  grpc::ServerUnaryReactor* QuotePrice(grpc::CallbackServerContext* ctx,
                                       const v1::QuotePriceRequest* request,
                                       v1::QuotePriceResponse* response) override;

 private:
  // Runs `method` of the domain service for one call under `scope`.
  template <typename Request, typename Response>
  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* ctx, std::string_view scope,
                                absl::Status (PricingService::*method)(const common::CallContext&,
                                                                       const Request&, Response&),
                                const Request* request, Response* response) {
    return runner_.Run(ctx, scope, [=, this](const common::CallContext& call) {
      return (service_.*method)(call, *request, *response);
    });
  }

  common::CallRunner& runner_;
  std::shared_ptr<PricingRepository> repository_;
  PricingService service_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_HANDLERS_PRICING_HANDLER_H_
