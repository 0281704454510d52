#include "customer_svc/domain/loyalty_service.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/fingerprint.h"
#include "common/api/id_page_token.h"
#include "common/api/page_token.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/api/stored_response.h"
#include "common/api/validation.h"
#include "customer_svc/domain/loyalty_rules.h"

namespace crm::customer {
namespace {

const std::vector<common::FilterField<LoyaltyColumn>>& LoyaltyFilterFields() {
  static const auto* const fields = new std::vector<common::FilterField<LoyaltyColumn>>{
      {"kind", LoyaltyColumn::kKind, common::FilterValueKind::kEnum,
       v1::LoyaltyTransactionKind_descriptor()},
      {"reference", LoyaltyColumn::kReference, common::FilterValueKind::kExact},
      {"create_time", LoyaltyColumn::kCreateTime, common::FilterValueKind::kTime},
  };
  return *fields;
}

}  // namespace

LoyaltyService::LoyaltyService(LoyaltyRepository& repository, std::function<absl::Time()> clock)
    : repository_(repository), clock_(std::move(clock)) {}

template <typename Request, typename Response>
absl::Status LoyaltyService::Book(const common::CallContext& call, const Request& request,
                                  v1::LoyaltyTransactionKind kind, std::string_view method,
                                  Response& response) {
  absl::StatusOr<int64_t> customer_id =
      common::ParseResourceId("customer", request.customer(), "customers");
  if (!customer_id.ok()) return customer_id.status();
  if (absl::Status s =
          ValidateLoyaltyBooking(request.points(), request.reason(), request.reference());
      !s.ok()) {
    return s;
  }
  if (absl::Status s = common::ValidateRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  const absl::Time now = absl::FromUnixMicros(absl::ToUnixMicros(clock_()));
  Request fingerprint_request = request;
  fingerprint_request.clear_request_id();
  absl::StatusOr<std::string> stored = repository_.TransactOnce(
      call.deadline, method, request.request_id(), common::DeterministicBytes(fingerprint_request),
      [&](LoyaltyStore& store) -> absl::StatusOr<std::string> {
        absl::StatusOr<LoyaltyBooking> booking =
            BookLoyaltyEntry(store, call, *customer_id, kind, request.points(), request.reason(),
                             request.reference(), request.request_id(), now);
        if (!booking.ok()) return booking.status();
        Response result;
        *result.mutable_transaction() = std::move(booking->transaction);
        *result.mutable_balance() = std::move(booking->balance);
        return result.SerializeAsString();
      });
  return common::ParseStoredResponse(stored, method, response);
}

absl::Status LoyaltyService::EarnLoyaltyPoints(const common::CallContext& call,
                                               const v1::EarnLoyaltyPointsRequest& request,
                                               v1::EarnLoyaltyPointsResponse& response) {
  return Book(call, request, v1::LOYALTY_TRANSACTION_KIND_EARN,
              "crm.customer.v1.LoyaltyService/EarnLoyaltyPoints", response);
}

absl::Status LoyaltyService::RedeemLoyaltyPoints(const common::CallContext& call,
                                                 const v1::RedeemLoyaltyPointsRequest& request,
                                                 v1::RedeemLoyaltyPointsResponse& response) {
  return Book(call, request, v1::LOYALTY_TRANSACTION_KIND_REDEEM,
              "crm.customer.v1.LoyaltyService/RedeemLoyaltyPoints", response);
}

absl::Status LoyaltyService::GetLoyaltyBalance(const common::CallContext& call,
                                               const v1::GetLoyaltyBalanceRequest& request,
                                               v1::GetLoyaltyBalanceResponse& response) {
  absl::StatusOr<int64_t> customer_id =
      common::ParseResourceId("customer", request.customer(), "customers");
  if (!customer_id.ok()) return customer_id.status();
  absl::StatusOr<std::optional<LoyaltyCustomer>> customer =
      repository_.GetCustomer(call.deadline, *customer_id);
  if (!customer.ok()) return customer.status();
  if (!customer->has_value()) {
    return absl::NotFoundError(absl::StrCat(request.customer(), " does not exist"));
  }
  absl::StatusOr<v1::LoyaltyBalance> balance = repository_.GetBalance(call.deadline, *customer_id);
  if (!balance.ok()) return balance.status();
  *response.mutable_balance() = *std::move(balance);
  return absl::OkStatus();
}

absl::Status LoyaltyService::ListLoyaltyTransactions(
    const common::CallContext& call, const v1::ListLoyaltyTransactionsRequest& request,
    v1::ListLoyaltyTransactionsResponse& response) {
  absl::StatusOr<int64_t> customer_id =
      common::ParseResourceId("parent", request.parent(), "customers");
  if (!customer_id.ok()) return customer_id.status();
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  LoyaltyListQuery query;
  query.customer_id = *customer_id;
  auto conditions = common::ResolveFilter<LoyaltyColumn>(request.filter(), LoyaltyFilterFields());
  if (!conditions.ok()) return conditions.status();
  query.conditions = *std::move(conditions);
  const std::string fingerprint =
      common::PageQueryFingerprint({"ListLoyaltyTransactions", request.parent(), request.filter()});
  absl::StatusOr<std::optional<int64_t>> before =
      common::DecodeIdPageToken(request.page_token(), fingerprint);
  if (!before.ok()) return before.status();
  query.before_id = *before;
  query.limit = *page_size + 1;
  absl::StatusOr<std::optional<LoyaltyCustomer>> customer =
      repository_.GetCustomer(call.deadline, *customer_id);
  if (!customer.ok()) return customer.status();
  if (!customer->has_value()) {
    return absl::NotFoundError(absl::StrCat(request.parent(), " does not exist"));
  }
  absl::StatusOr<std::vector<StoredLoyaltyTransaction>> rows =
      repository_.ListTransactions(call.deadline, query);
  if (!rows.ok()) return rows.status();
  const bool more = common::TrimToPage(*rows, *page_size);
  for (StoredLoyaltyTransaction& row : *rows) {
    *response.add_loyalty_transactions() = std::move(row.transaction);
  }
  if (more) response.set_next_page_token(common::EncodeIdPageToken(rows->back().id, fingerprint));
  return absl::OkStatus();
}

}  // namespace crm::customer
