#include "customer_svc/handlers/pricing_handler.h"

#include <utility>

#include "common/server/scopes.h"

namespace crm::customer {

PricingHandler::PricingHandler(common::CallRunner& runner,
                               std::shared_ptr<PricingRepository> repository, Clock clock)
    : runner_(runner),
      repository_(std::move(repository)),
      service_(*repository_, std::move(clock)) {}

grpc::ServerUnaryReactor* PricingHandler::GetPriceListEntry(
    grpc::CallbackServerContext* ctx, const v1::GetPriceListEntryRequest* request,
    v1::GetPriceListEntryResponse* response) {
  return Run(ctx, common::kCustomersRead, &PricingService::GetPriceListEntry, request, response);
}

grpc::ServerUnaryReactor* PricingHandler::ListPriceListEntries(
    grpc::CallbackServerContext* ctx, const v1::ListPriceListEntriesRequest* request,
    v1::ListPriceListEntriesResponse* response) {
  return Run(ctx, common::kCustomersRead, &PricingService::ListPriceListEntries, request, response);
}

grpc::ServerUnaryReactor* PricingHandler::CreatePriceListEntry(
    grpc::CallbackServerContext* ctx, const v1::CreatePriceListEntryRequest* request,
    v1::CreatePriceListEntryResponse* response) {
  return Run(ctx, common::kCustomersWrite, &PricingService::CreatePriceListEntry, request,
             response);
}

grpc::ServerUnaryReactor* PricingHandler::UpdatePriceListEntry(
    grpc::CallbackServerContext* ctx, const v1::UpdatePriceListEntryRequest* request,
    v1::UpdatePriceListEntryResponse* response) {
  return Run(ctx, common::kCustomersWrite, &PricingService::UpdatePriceListEntry, request,
             response);
}

grpc::ServerUnaryReactor* PricingHandler::DeletePriceListEntry(
    grpc::CallbackServerContext* ctx, const v1::DeletePriceListEntryRequest* request,
    v1::DeletePriceListEntryResponse* response) {
  return Run(ctx, common::kCustomersWrite, &PricingService::DeletePriceListEntry, request,
             response);
}

grpc::ServerUnaryReactor* PricingHandler::UndeletePriceListEntry(
    grpc::CallbackServerContext* ctx, const v1::UndeletePriceListEntryRequest* request,
    v1::UndeletePriceListEntryResponse* response) {
  return Run(ctx, common::kCustomersWrite, &PricingService::UndeletePriceListEntry, request,
             response);
}

grpc::ServerUnaryReactor* PricingHandler::GetTierDiscount(grpc::CallbackServerContext* ctx,
                                                          const v1::GetTierDiscountRequest* request,
                                                          v1::GetTierDiscountResponse* response) {
  return Run(ctx, common::kCustomersRead, &PricingService::GetTierDiscount, request, response);
}

grpc::ServerUnaryReactor* PricingHandler::ListTierDiscounts(
    grpc::CallbackServerContext* ctx, const v1::ListTierDiscountsRequest* request,
    v1::ListTierDiscountsResponse* response) {
  return Run(ctx, common::kCustomersRead, &PricingService::ListTierDiscounts, request, response);
}

grpc::ServerUnaryReactor* PricingHandler::CreateTierDiscount(
    grpc::CallbackServerContext* ctx, const v1::CreateTierDiscountRequest* request,
    v1::CreateTierDiscountResponse* response) {
  return Run(ctx, common::kCustomersWrite, &PricingService::CreateTierDiscount, request, response);
}

grpc::ServerUnaryReactor* PricingHandler::UpdateTierDiscount(
    grpc::CallbackServerContext* ctx, const v1::UpdateTierDiscountRequest* request,
    v1::UpdateTierDiscountResponse* response) {
  return Run(ctx, common::kCustomersWrite, &PricingService::UpdateTierDiscount, request, response);
}

grpc::ServerUnaryReactor* PricingHandler::DeleteTierDiscount(
    grpc::CallbackServerContext* ctx, const v1::DeleteTierDiscountRequest* request,
    v1::DeleteTierDiscountResponse* response) {
  return Run(ctx, common::kCustomersWrite, &PricingService::DeleteTierDiscount, request, response);
}

grpc::ServerUnaryReactor* PricingHandler::UndeleteTierDiscount(
    grpc::CallbackServerContext* ctx, const v1::UndeleteTierDiscountRequest* request,
    v1::UndeleteTierDiscountResponse* response) {
  return Run(ctx, common::kCustomersWrite, &PricingService::UndeleteTierDiscount, request,
             response);
}

grpc::ServerUnaryReactor* PricingHandler::GetSpecialPrice(grpc::CallbackServerContext* ctx,
                                                          const v1::GetSpecialPriceRequest* request,
                                                          v1::GetSpecialPriceResponse* response) {
  return Run(ctx, common::kCustomersRead, &PricingService::GetSpecialPrice, request, response);
}

grpc::ServerUnaryReactor* PricingHandler::ListSpecialPrices(
    grpc::CallbackServerContext* ctx, const v1::ListSpecialPricesRequest* request,
    v1::ListSpecialPricesResponse* response) {
  return Run(ctx, common::kCustomersRead, &PricingService::ListSpecialPrices, request, response);
}

grpc::ServerUnaryReactor* PricingHandler::CreateSpecialPrice(
    grpc::CallbackServerContext* ctx, const v1::CreateSpecialPriceRequest* request,
    v1::CreateSpecialPriceResponse* response) {
  return Run(ctx, common::kCustomersWrite, &PricingService::CreateSpecialPrice, request, response);
}

grpc::ServerUnaryReactor* PricingHandler::UpdateSpecialPrice(
    grpc::CallbackServerContext* ctx, const v1::UpdateSpecialPriceRequest* request,
    v1::UpdateSpecialPriceResponse* response) {
  return Run(ctx, common::kCustomersWrite, &PricingService::UpdateSpecialPrice, request, response);
}

grpc::ServerUnaryReactor* PricingHandler::DeleteSpecialPrice(
    grpc::CallbackServerContext* ctx, const v1::DeleteSpecialPriceRequest* request,
    v1::DeleteSpecialPriceResponse* response) {
  return Run(ctx, common::kCustomersWrite, &PricingService::DeleteSpecialPrice, request, response);
}

grpc::ServerUnaryReactor* PricingHandler::UndeleteSpecialPrice(
    grpc::CallbackServerContext* ctx, const v1::UndeleteSpecialPriceRequest* request,
    v1::UndeleteSpecialPriceResponse* response) {
  return Run(ctx, common::kCustomersWrite, &PricingService::UndeleteSpecialPrice, request,
             response);
}

grpc::ServerUnaryReactor* PricingHandler::QuotePrice(grpc::CallbackServerContext* ctx,
                                                     const v1::QuotePriceRequest* request,
                                                     v1::QuotePriceResponse* response) {
  return Run(ctx, common::kCustomersRead, &PricingService::QuotePrice, request, response);
}

}  // namespace crm::customer
