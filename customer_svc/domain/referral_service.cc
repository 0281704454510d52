#include "customer_svc/domain/referral_service.h"

#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/api/order_by.h"
#include "common/api/etag.h"
#include "common/api/field_mask.h"
#include "common/api/fingerprint.h"
#include "common/api/page_token.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/api/stored_response.h"
#include "common/api/time_util.h"
#include "common/api/validation.h"
#include "common/audit/audit_log.h"
#include "customer_svc/domain/loyalty_rules.h"
#include "customer_svc/domain/referral_rules.h"

namespace crm::customer {
namespace {

constexpr std::string_view kCustomers = "customers";

absl::StatusOr<std::pair<int64_t, int64_t>> ParseReferralName(std::string_view field,
                                                              std::string_view name) {
  static const std::vector<std::string_view> kCollections = {"customers", "referrals"};
  absl::StatusOr<std::vector<int64_t>> ids =
      common::ParseNestedResourceName(field, name, kCollections);
  if (!ids.ok()) return ids.status();
  return std::make_pair((*ids)[0], (*ids)[1]);
}

const std::vector<common::FilterField<ReferralColumn>>& ReferralFilterFields() {
  static const auto* const fields = new std::vector<common::FilterField<ReferralColumn>>{
      {"state", ReferralColumn::kState, common::FilterValueKind::kEnum,
       v1::ReferralState_descriptor()},
      {"referred_customer", ReferralColumn::kReferredCustomer, common::FilterValueKind::kResource,
       nullptr, "customers"},
      {"create_time", ReferralColumn::kCreateTime, common::FilterValueKind::kTime},
  };
  return *fields;
}

// A live customer, share-locked: NOT_FOUND / FAILED_PRECONDITION naming `field`.
absl::StatusOr<ReferralCustomer> LiveCustomer(ReferralStore& store, int64_t id,
                                              std::string_view field) {
  absl::StatusOr<std::optional<ReferralCustomer>> customer = store.LockCustomer(id);
  if (!customer.ok()) return customer.status();
  const std::string name = common::FormatResourceName(kCustomers, id);
  const std::string prefix = field.empty() ? "" : absl::StrCat(std::string(field), ": ");
  if (!customer->has_value())
    return absl::NotFoundError(absl::StrCat(prefix, name, " does not exist"));
  if ((*customer)->deleted) {
    return absl::FailedPreconditionError(absl::StrCat(prefix, name, " is deleted"));
  }
  return **customer;
}

// Links `referral` to its referred customer: checks the customer, that it is
// not referred by another referral (`self_name` excepted), and qualifies a
// PENDING referral when the customer has already been ACTIVE.
absl::Status LinkReferredCustomer(ReferralStore& store, v1::Referral& referral,
                                  std::string_view self_name) {
  if (referral.referred_customer().empty()) return absl::OkStatus();
  absl::StatusOr<int64_t> referred_id = common::ParseResourceId(
      "referral.referred_customer", referral.referred_customer(), kCustomers);
  if (!referred_id.ok()) return referred_id.status();
  absl::StatusOr<ReferralCustomer> referred =
      LiveCustomer(store, *referred_id, "referral.referred_customer");
  if (!referred.ok()) return referred.status();
  absl::StatusOr<std::optional<std::string>> existing = store.FindReferralOf(*referred_id);
  if (!existing.ok()) return existing.status();
  if (existing->has_value() && **existing != self_name) {
    return absl::AlreadyExistsError(
        absl::StrCat("referral.referred_customer: ", referral.referred_customer(),
                     " was already referred in ", **existing));
  }
  if (referral.state() == v1::REFERRAL_STATE_PENDING && referred->first_active_time.has_value()) {
    referral.set_state(v1::REFERRAL_STATE_QUALIFIED);
    *referral.mutable_qualify_time() = common::ToProtoTimestamp(*referred->first_active_time);
  }
  return absl::OkStatus();
}

absl::StatusOr<StoredReferral> LockReferral(ReferralStore& store, int64_t customer_id, int64_t id,
                                            std::string_view name, std::string_view etag,
                                            std::string_view etag_field) {
  absl::StatusOr<std::optional<StoredReferral>> stored = store.LockReferral(customer_id, id);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value())
    return absl::NotFoundError(absl::StrCat(std::string(name), " does not exist"));
  if (absl::Status s = common::CheckEtag(etag, (*stored)->version, name, etag_field); !s.ok()) {
    return s;
  }
  return **std::move(stored);
}

absl::StatusOr<StoredReferral> StoreChange(ReferralStore& store, const common::CallContext& call,
                                           const StoredReferral& stored, v1::Referral updated,
                                           crm::common::v1::AuditAction action,
                                           std::string_view reason, absl::Time now) {
  *updated.mutable_update_time() = common::ToProtoTimestamp(now);
  std::vector<crm::common::v1::FieldChange> changes =
      common::DiffMessages(stored.referral, updated);
  absl::StatusOr<StoredReferral> result = store.UpdateReferral(stored, updated);
  if (!result.ok()) return result.status();
  if (absl::Status s = store.InsertAuditEntry(common::MakeAuditEntry(
          call, stored.referral.name(), action, std::move(changes), reason, now));
      !s.ok()) {
    return s;
  }
  return result;
}

}  // namespace

ReferralService::ReferralService(ReferralRepository& repository, std::function<absl::Time()> clock)
    : repository_(repository), clock_(std::move(clock)) {}

absl::Time ReferralService::Now() const {
  return absl::FromUnixMicros(absl::ToUnixMicros(clock_()));
}

absl::Status ReferralService::GetReferral(const common::CallContext& call,
                                          const v1::GetReferralRequest& request,
                                          v1::GetReferralResponse& response) {
  absl::StatusOr<std::pair<int64_t, int64_t>> ids = ParseReferralName("name", request.name());
  if (!ids.ok()) return ids.status();
  absl::StatusOr<std::optional<StoredReferral>> stored =
      repository_.GetReferral(call.deadline, ids->first, ids->second);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value())
    return absl::NotFoundError(absl::StrCat(request.name(), " does not exist"));
  *response.mutable_referral() = std::move((*stored)->referral);
  return absl::OkStatus();
}

absl::Status ReferralService::ListReferrals(const common::CallContext& call,
                                            const v1::ListReferralsRequest& request,
                                            v1::ListReferralsResponse& response) {
  ReferralListQuery query;
  if (request.parent() != "customers/-") {
    absl::StatusOr<int64_t> id = common::ParseResourceId("parent", request.parent(), kCustomers);
    if (!id.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(std::string(id.status().message()), " or customers/- for every customer"));
    }
    query.customer_id = *id;
  }
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  auto conditions = common::ResolveFilter<ReferralColumn>(request.filter(), ReferralFilterFields());
  if (!conditions.ok()) return conditions.status();
  query.conditions = *std::move(conditions);
  size_t order = 0;
  query.descending = true;
  if (absl::Status s =
          common::ParseOrderByInto(request.order_by(), {"create_time", "state"}, order, query.descending);
      !s.ok()) {
    return s;
  }
  query.order = order == 1 ? ReferralOrder::kState : ReferralOrder::kCreateTime;
  query.limit = *page_size + 1;
  const std::string fingerprint = common::PageQueryFingerprint(
      {"ListReferrals", request.parent(), request.filter(), request.order_by()});
  if (!request.page_token().empty()) {
    absl::StatusOr<common::PageCursor> cursor =
        common::DecodePageToken(request.page_token(), fingerprint);
    if (!cursor.ok()) return cursor.status();
    int64_t state = 0;
    if (cursor->keys.size() != 2 || !absl::SimpleAtoi(cursor->keys[1], &query.after_id) ||
        (query.order == ReferralOrder::kState
             ? !absl::SimpleAtoi(cursor->keys[0], &state)
             : !common::ParseMysqlDatetime(cursor->keys[0]).ok())) {
      return absl::InvalidArgumentError("page_token: invalid or corrupted");
    }
    query.after_sort_value = cursor->keys[0];
  }
  absl::StatusOr<std::vector<StoredReferral>> rows =
      repository_.ListReferrals(call.deadline, query);
  if (!rows.ok()) return rows.status();
  const bool more = common::TrimToPage(*rows, *page_size);
  for (const StoredReferral& row : *rows) *response.add_referrals() = row.referral;
  if (more) {
    const StoredReferral& last = rows->back();
    const std::string sort =
        query.order == ReferralOrder::kState
            ? std::to_string(static_cast<int>(last.referral.state()))
            : common::FormatMysqlDatetime(common::FromProtoTimestamp(last.referral.create_time()));
    response.set_next_page_token(
        common::EncodePageToken(common::PageCursor{{sort, std::to_string(last.id)}}, fingerprint));
  }
  return absl::OkStatus();
}

absl::Status ReferralService::CreateReferral(const common::CallContext& call,
                                             const v1::CreateReferralRequest& request,
                                             v1::CreateReferralResponse& response) {
  absl::StatusOr<int64_t> referrer_id =
      common::ParseResourceId("parent", request.parent(), kCustomers);
  if (!referrer_id.ok()) return referrer_id.status();
  if (absl::Status s = common::ValidateRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  v1::Referral referral = request.referral();
  ClearReferralOutputOnlyFields(referral);
  if (absl::Status s = ValidateReferral(referral, *referrer_id); !s.ok()) return s;
  const absl::Time now = Now();
  referral.set_state(v1::REFERRAL_STATE_PENDING);
  *referral.mutable_create_time() = common::ToProtoTimestamp(now);
  *referral.mutable_update_time() = common::ToProtoTimestamp(now);

  v1::CreateReferralRequest fingerprint_request = request;
  fingerprint_request.clear_request_id();
  absl::StatusOr<std::string> stored = repository_.TransactOnce(
      call.deadline, "crm.customer.v1.ReferralService/CreateReferral", request.request_id(),
      common::DeterministicBytes(fingerprint_request),
      [&](ReferralStore& store) -> absl::StatusOr<std::string> {
        if (absl::Status s = LiveCustomer(store, *referrer_id, "parent").status(); !s.ok())
          return s;
        v1::Referral linked = referral;
        if (absl::Status s = LinkReferredCustomer(store, linked, ""); !s.ok()) return s;
        absl::StatusOr<StoredReferral> inserted = store.InsertReferral(*referrer_id, linked);
        if (!inserted.ok()) return inserted.status();
        if (absl::Status s = store.InsertAuditEntry(common::MakeAuditEntry(
                call, inserted->referral.name(), crm::common::v1::AUDIT_ACTION_CREATE,
                common::DiffFromEmpty(inserted->referral), "", now));
            !s.ok()) {
          return s;
        }
        v1::CreateReferralResponse created;
        *created.mutable_referral() = std::move(inserted->referral);
        return created.SerializeAsString();
      });
  return common::ParseStoredResponse(stored, "CreateReferral", response);
}

absl::Status ReferralService::UpdateReferral(const common::CallContext& call,
                                             const v1::UpdateReferralRequest& request,
                                             v1::UpdateReferralResponse& response) {
  const std::string& name = request.referral().name();
  absl::StatusOr<std::pair<int64_t, int64_t>> ids = ParseReferralName("referral.name", name);
  if (!ids.ok()) return ids.status();
  if (absl::Status s = common::ValidateUpdateMask(
          request.update_mask(), *v1::Referral::descriptor(), ReferralUpdatablePaths());
      !s.ok()) {
    return s;
  }
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](ReferralStore& store) -> absl::Status {
    absl::StatusOr<StoredReferral> stored = LockReferral(
        store, ids->first, ids->second, name, request.referral().etag(), "referral.etag");
    if (!stored.ok()) return stored.status();
    v1::Referral updated = stored->referral;
    if (absl::Status s = common::ApplyUpdateMask(request.referral(), request.update_mask(),
                                                 ReferralUpdatablePaths(), &updated);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = ValidateReferral(updated, ids->first); !s.ok()) return s;
    if (updated.referred_customer() != stored->referral.referred_customer()) {
      if (stored->referral.state() != v1::REFERRAL_STATE_PENDING) {
        return absl::FailedPreconditionError(
            absl::StrCat("referral.referred_customer: ", name, " is ",
                         v1::ReferralState_Name(stored->referral.state()),
                         "; the referred customer can only be changed while PENDING"));
      }
      if (absl::Status s = LinkReferredCustomer(store, updated, name); !s.ok()) return s;
    }
    if (common::DiffMessages(stored->referral, updated).empty()) {
      *response.mutable_referral() = stored->referral;
      return absl::OkStatus();
    }
    absl::StatusOr<StoredReferral> result = StoreChange(
        store, call, *stored, std::move(updated), crm::common::v1::AUDIT_ACTION_UPDATE, "", now);
    if (!result.ok()) return result.status();
    *response.mutable_referral() = std::move(result->referral);
    return absl::OkStatus();
  });
}

absl::Status ReferralService::RewardReferral(const common::CallContext& call,
                                             const v1::RewardReferralRequest& request,
                                             v1::RewardReferralResponse& response) {
  absl::StatusOr<std::pair<int64_t, int64_t>> ids = ParseReferralName("name", request.name());
  if (!ids.ok()) return ids.status();
  if (absl::Status s =
          common::ValidateRange("points", request.points(), 1, kMaxLoyaltyPointsPerEntry);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = common::ValidateRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  const absl::Time now = Now();
  v1::RewardReferralRequest fingerprint_request = request;
  fingerprint_request.clear_request_id();
  absl::StatusOr<std::string> stored = repository_.TransactOnce(
      call.deadline, "crm.customer.v1.ReferralService/RewardReferral", request.request_id(),
      common::DeterministicBytes(fingerprint_request),
      [&](ReferralStore& store) -> absl::StatusOr<std::string> {
        absl::StatusOr<StoredReferral> current =
            LockReferral(store, ids->first, ids->second, request.name(), request.etag(), "etag");
        if (!current.ok()) return current.status();
        v1::Referral updated = current->referral;
        if (updated.state() == v1::REFERRAL_STATE_PENDING && !updated.referred_customer().empty()) {
          // Qualify now if the referred customer became ACTIVE meanwhile.
          absl::StatusOr<int64_t> referred_id =
              common::ParseResourceId("referred_customer", updated.referred_customer(), kCustomers);
          if (!referred_id.ok()) return referred_id.status();
          absl::StatusOr<std::optional<ReferralCustomer>> referred =
              store.LockCustomer(*referred_id);
          if (!referred.ok()) return referred.status();
          if (referred->has_value() && (*referred)->first_active_time.has_value()) {
            updated.set_state(v1::REFERRAL_STATE_QUALIFIED);
            *updated.mutable_qualify_time() =
                common::ToProtoTimestamp(*(*referred)->first_active_time);
          }
        }
        if (absl::Status s = CheckReferralTransition(updated.state(), v1::REFERRAL_STATE_REWARDED,
                                                     request.name());
            !s.ok()) {
          return s;
        }
        absl::StatusOr<LoyaltyBooking> booking = BookLoyaltyEntry(
            store.Loyalty(), call, ids->first, v1::LOYALTY_TRANSACTION_KIND_EARN, request.points(),
            "referral reward", request.name(), request.request_id(), now);
        if (!booking.ok()) return booking.status();
        updated.set_state(v1::REFERRAL_STATE_REWARDED);
        updated.set_reward_points(request.points());
        updated.set_reward_transaction(booking->transaction.name());
        *updated.mutable_reward_time() = common::ToProtoTimestamp(now);
        absl::StatusOr<StoredReferral> result =
            StoreChange(store, call, *current, std::move(updated),
                        crm::common::v1::AUDIT_ACTION_STATE_CHANGE, "referral rewarded", now);
        if (!result.ok()) return result.status();
        v1::RewardReferralResponse rewarded;
        *rewarded.mutable_referral() = std::move(result->referral);
        *rewarded.mutable_transaction() = std::move(booking->transaction);
        return rewarded.SerializeAsString();
      });
  return common::ParseStoredResponse(stored, "RewardReferral", response);
}

absl::Status ReferralService::DeclineReferral(const common::CallContext& call,
                                              const v1::DeclineReferralRequest& request,
                                              v1::DeclineReferralResponse& response) {
  absl::StatusOr<std::pair<int64_t, int64_t>> ids = ParseReferralName("name", request.name());
  if (!ids.ok()) return ids.status();
  if (absl::Status s =
          common::ValidateRequiredText("reason", request.reason(), kMaxDeclineReasonChars);
      !s.ok()) {
    return s;
  }
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](ReferralStore& store) -> absl::Status {
    absl::StatusOr<StoredReferral> current =
        LockReferral(store, ids->first, ids->second, request.name(), request.etag(), "etag");
    if (!current.ok()) return current.status();
    if (absl::Status s = CheckReferralTransition(current->referral.state(),
                                                 v1::REFERRAL_STATE_DECLINED, request.name());
        !s.ok()) {
      return s;
    }
    v1::Referral updated = current->referral;
    updated.set_state(v1::REFERRAL_STATE_DECLINED);
    updated.set_decline_reason(request.reason());
    absl::StatusOr<StoredReferral> result =
        StoreChange(store, call, *current, std::move(updated),
                    crm::common::v1::AUDIT_ACTION_STATE_CHANGE, request.reason(), now);
    if (!result.ok()) return result.status();
    *response.mutable_referral() = std::move(result->referral);
    return absl::OkStatus();
  });
}

}  // namespace crm::customer
