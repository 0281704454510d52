#include "supplier_svc/domain/offering_service.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/api/calendar_date.h"
#include "common/api/etag.h"
#include "common/api/field_mask.h"
#include "common/api/fingerprint.h"
#include "common/api/page_token.h"
#include "common/api/paging.h"
#include "common/api/quote.h"
#include "common/api/resource_name.h"
#include "common/api/resource_state.h"
#include "common/api/stored_response.h"
#include "common/api/time_util.h"
#include "common/api/validation.h"
#include "common/audit/audit_log.h"
#include "supplier_svc/domain/offering_rules.h"

namespace crm::supplier {
namespace {

using crm::common::v1::AuditAction;

constexpr std::string_view kOfferings = "offerings";
constexpr std::string_view kSuppliers = "suppliers";

absl::Status InvalidPageToken() {
  return absl::InvalidArgumentError("page_token: invalid or corrupted");
}

// The page cursor of `offering` for `order`: [sort value, id].
common::PageCursor CursorOf(const StoredOffering& stored, OfferingOrder order) {
  const v1::Offering& offering = stored.offering;
  std::string sort;
  switch (order) {
    case OfferingOrder::kUnitPrice:
      sort = std::to_string(offering.unit_price().amount_minor());
      break;
    case OfferingOrder::kValidFrom:
      sort = offering.has_valid_from()
                 ? common::FormatIsoDate(common::FromDateMessage(offering.valid_from()))
                 : kNoValidFromSortValue;
      break;
    case OfferingOrder::kItem:
      sort = offering.item();
      break;
  }
  return common::PageCursor{{std::move(sort), std::to_string(stored.id)}};
}

absl::StatusOr<OfferingCursor> DecodeCursor(std::string_view token, std::string_view fingerprint,
                                            OfferingOrder order) {
  absl::StatusOr<common::PageCursor> cursor = common::DecodePageToken(token, fingerprint);
  if (!cursor.ok()) return cursor.status();
  OfferingCursor after;
  if (cursor->keys.size() != 2 || !absl::SimpleAtoi(cursor->keys[1], &after.id)) {
    return InvalidPageToken();
  }
  switch (order) {
    case OfferingOrder::kUnitPrice: {
      int64_t amount = 0;
      if (!absl::SimpleAtoi(cursor->keys[0], &amount)) return InvalidPageToken();
      after.sort_value = amount;
      break;
    }
    case OfferingOrder::kValidFrom:
      if (!common::ParseIsoDate(cursor->keys[0]).ok()) return InvalidPageToken();
      after.sort_value = cursor->keys[0];
      break;
    case OfferingOrder::kItem:
      after.sort_value = cursor->keys[0];
      break;
  }
  return after;
}

// A live offering, locked, whose etag matches `etag` (when given).
absl::StatusOr<StoredOffering> LockForChange(OfferingStore& store, int64_t id,
                                             std::string_view name, std::string_view etag,
                                             std::string_view etag_field, bool want_deleted) {
  absl::StatusOr<StoredOffering> stored = common::RequireFound(store.LockOffering(id), name);
  if (!stored.ok()) return stored.status();
  const bool deleted = stored->offering.has_delete_time();
  absl::Status state =
      want_deleted ? common::RequireDeleted(deleted, name) : common::RequireLive(deleted, name);
  if (!state.ok()) return state;
  if (absl::Status etag_ok = common::CheckEtag(etag, stored->version, name, etag_field);
      !etag_ok.ok()) {
    return etag_ok;
  }
  return stored;
}

}  // namespace

OfferingService::OfferingService(OfferingRepository& repository, Clock clock)
    : repository_(repository), clock_(std::move(clock)) {}

absl::Time OfferingService::Now() const {
  return absl::FromUnixMicros(absl::ToUnixMicros(clock_()));
}

absl::Status OfferingService::CheckLiveOffering(OfferingStore& store, const v1::Offering& offering,
                                                int64_t self_id) {
  absl::StatusOr<int64_t> supplier_id =
      common::ParseResourceId("offering.supplier", offering.supplier(), kSuppliers);
  if (!supplier_id.ok()) return supplier_id.status();
  absl::StatusOr<std::optional<StoredSupplier>> supplier =
      store.suppliers().LockSupplier(*supplier_id);
  if (!supplier.ok()) return supplier.status();
  if (!supplier->has_value()) {
    return absl::NotFoundError(
        absl::StrFormat("offering.supplier: %s does not exist", offering.supplier()));
  }
  if (absl::Status s = CheckSupplierTakesOfferings((*supplier)->supplier); !s.ok()) return s;
  OfferingKey key{*supplier_id, offering.item(), offering.unit_price().currency_code(),
                  offering.minimum_quantity(), std::nullopt};
  if (!offering.contract().empty()) {
    absl::StatusOr<int64_t> contract_id =
        common::ParseResourceId("offering.contract", offering.contract(), "contracts");
    if (!contract_id.ok()) return contract_id.status();
    key.contract_id = *contract_id;
    absl::StatusOr<std::optional<ContractOwner>> owner = store.FindContract(*contract_id);
    if (!owner.ok()) return owner.status();
    if (!owner->has_value()) {
      return absl::NotFoundError(
          absl::StrFormat("offering.contract: %s does not exist", offering.contract()));
    }
    if ((*owner)->supplier_id != *supplier_id) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "offering.contract: %s is a contract of %s, not of %s", offering.contract(),
          common::FormatResourceName(kSuppliers, (*owner)->supplier_id), offering.supplier()));
    }
  }
  absl::StatusOr<std::vector<StoredOffering>> competing = store.ListLiveWithKey(key, self_id);
  if (!competing.ok()) return competing.status();
  if (const StoredOffering* other = FindOverlappingOffering(offering, *competing)) {
    return OverlapError(offering, *other);
  }
  return absl::OkStatus();
}

absl::StatusOr<StoredOffering> OfferingService::StoreChange(OfferingStore& store,
                                                            const common::CallContext& call,
                                                            const StoredOffering& stored,
                                                            v1::Offering updated,
                                                            AuditAction action, absl::Time now) {
  *updated.mutable_update_time() = common::ToProtoTimestamp(now);
  std::vector<crm::common::v1::FieldChange> changes =
      common::DiffMessages(stored.offering, updated);
  absl::StatusOr<StoredOffering> result = store.UpdateOffering(updated, stored.version);
  if (!result.ok()) return result.status();
  absl::Status audited = store.InsertAuditEntry(
      common::MakeAuditEntry(call, updated.name(), action, std::move(changes), "", now));
  if (!audited.ok()) return audited;
  return result;
}

absl::Status OfferingService::GetOffering(const common::CallContext& call,
                                          const v1::GetOfferingRequest& request,
                                          v1::GetOfferingResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kOfferings);
  if (!id.ok()) return id.status();
  absl::StatusOr<StoredOffering> stored =
      common::RequireFound(repository_.GetOffering(call.deadline, *id), request.name());
  if (!stored.ok()) return stored.status();
  *response.mutable_offering() = std::move(stored->offering);
  return absl::OkStatus();
}

absl::Status OfferingService::ListOfferings(const common::CallContext& call,
                                            const v1::ListOfferingsRequest& request,
                                            v1::ListOfferingsResponse& response) {
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  OfferingListQuery query;
  absl::StatusOr<std::vector<OfferingCondition>> conditions = ParseOfferingFilter(request.filter());
  if (!conditions.ok()) return conditions.status();
  query.conditions = *std::move(conditions);
  if (absl::Status order = ParseOfferingOrder(request.order_by(), query.order, query.descending);
      !order.ok()) {
    return order;
  }
  query.show_deleted = request.show_deleted();
  query.limit = *page_size + 1;  // one more tells whether a next page exists
  const std::string fingerprint = common::PageQueryFingerprint(
      {"ListOfferings", request.filter(), request.order_by(), request.show_deleted() ? "1" : "0"});
  if (!request.page_token().empty()) {
    absl::StatusOr<OfferingCursor> after =
        DecodeCursor(request.page_token(), fingerprint, query.order);
    if (!after.ok()) return after.status();
    query.after = *std::move(after);
  }
  absl::StatusOr<std::vector<StoredOffering>> rows =
      repository_.ListOfferings(call.deadline, query);
  if (!rows.ok()) return rows.status();
  const bool more = common::TrimToPage(*rows, *page_size);
  if (more) {
    response.set_next_page_token(
        common::EncodePageToken(CursorOf(rows->back(), query.order), fingerprint));
  }
  for (StoredOffering& row : *rows) *response.add_offerings() = std::move(row.offering);
  return absl::OkStatus();
}

absl::Status OfferingService::CreateOffering(const common::CallContext& call,
                                             const v1::CreateOfferingRequest& request,
                                             v1::CreateOfferingResponse& response) {
  if (absl::Status id_ok = common::ValidateRequestId("request_id", request.request_id());
      !id_ok.ok()) {
    return id_ok;
  }
  v1::Offering offering = request.offering();
  ClearOfferingOutputOnlyFields(offering);
  if (absl::Status valid = NormalizeOffering(offering); !valid.ok()) return valid;
  const absl::Time now = Now();
  if (!offering.has_valid_from()) {
    common::ToDateMessage(common::UtcDate(now), offering.mutable_valid_from());
    if (offering.has_valid_until() &&
        common::FromDateMessage(offering.valid_until()) < common::UtcDate(now)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "offering.valid_until: %s is before valid_from, which defaults to today (%s)",
          common::FormatIsoDate(common::FromDateMessage(offering.valid_until())),
          common::FormatIsoDate(common::UtcDate(now))));
    }
  }
  *offering.mutable_create_time() = common::ToProtoTimestamp(now);
  *offering.mutable_update_time() = common::ToProtoTimestamp(now);

  v1::CreateOfferingRequest fingerprint_request = request;
  fingerprint_request.clear_request_id();
  absl::StatusOr<std::string> stored_response = repository_.TransactOnce(
      call.deadline, "crm.supplier.v1.OfferingService/CreateOffering", request.request_id(),
      common::DeterministicBytes(fingerprint_request),
      [&](OfferingStore& store) -> absl::StatusOr<std::string> {
        if (absl::Status s = CheckLiveOffering(store, offering, 0); !s.ok()) return s;
        absl::StatusOr<StoredOffering> stored = store.InsertOffering(offering);
        if (!stored.ok()) return stored.status();
        absl::Status audited = store.InsertAuditEntry(common::MakeAuditEntry(
            call, stored->offering.name(), crm::common::v1::AUDIT_ACTION_CREATE,
            common::DiffFromEmpty(stored->offering), "", now));
        if (!audited.ok()) return audited;
        v1::CreateOfferingResponse created;
        *created.mutable_offering() = std::move(stored->offering);
        return created.SerializeAsString();
      });
  return common::ParseStoredResponse(stored_response, "CreateOffering", response);
}

absl::Status OfferingService::UpdateOffering(const common::CallContext& call,
                                             const v1::UpdateOfferingRequest& request,
                                             v1::UpdateOfferingResponse& response) {
  const std::string& name = request.offering().name();
  absl::StatusOr<int64_t> id = common::ParseResourceId("offering.name", name, kOfferings);
  if (!id.ok()) return id.status();
  if (absl::Status mask = ValidateOfferingUpdateMask(request.update_mask()); !mask.ok()) {
    return mask;
  }
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](OfferingStore& store) -> absl::Status {
    absl::StatusOr<StoredOffering> stored = LockForChange(
        store, *id, name, request.offering().etag(), "offering.etag", /*want_deleted=*/false);
    if (!stored.ok()) return stored.status();
    v1::Offering updated = stored->offering;
    v1::Offering patch = request.offering();
    ClearOfferingOutputOnlyFields(patch);
    absl::Status applied =
        common::ApplyUpdateMask(patch, request.update_mask(), OfferingUpdatablePaths(), &updated);
    if (!applied.ok()) return applied;
    if (absl::Status valid = NormalizeOffering(updated); !valid.ok()) return valid;
    if (common::DiffMessages(stored->offering, updated).empty()) {
      *response.mutable_offering() = std::move(stored->offering);
      return absl::OkStatus();
    }
    if (absl::Status s = CheckLiveOffering(store, updated, *id); !s.ok()) return s;
    absl::StatusOr<StoredOffering> result = StoreChange(store, call, *stored, std::move(updated),
                                                        crm::common::v1::AUDIT_ACTION_UPDATE, now);
    if (!result.ok()) return result.status();
    *response.mutable_offering() = std::move(result->offering);
    return absl::OkStatus();
  });
}

absl::Status OfferingService::DeleteOffering(const common::CallContext& call,
                                             const v1::DeleteOfferingRequest& request,
                                             v1::DeleteOfferingResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kOfferings);
  if (!id.ok()) return id.status();
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](OfferingStore& store) -> absl::Status {
    absl::StatusOr<StoredOffering> stored =
        LockForChange(store, *id, request.name(), request.etag(), "etag", /*want_deleted=*/false);
    if (!stored.ok()) return stored.status();
    v1::Offering updated = stored->offering;
    *updated.mutable_delete_time() = common::ToProtoTimestamp(now);
    absl::StatusOr<StoredOffering> result = StoreChange(store, call, *stored, std::move(updated),
                                                        crm::common::v1::AUDIT_ACTION_DELETE, now);
    if (!result.ok()) return result.status();
    *response.mutable_offering() = std::move(result->offering);
    return absl::OkStatus();
  });
}

absl::Status OfferingService::UndeleteOffering(const common::CallContext& call,
                                               const v1::UndeleteOfferingRequest& request,
                                               v1::UndeleteOfferingResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kOfferings);
  if (!id.ok()) return id.status();
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](OfferingStore& store) -> absl::Status {
    absl::StatusOr<StoredOffering> stored =
        LockForChange(store, *id, request.name(), request.etag(), "etag", /*want_deleted=*/true);
    if (!stored.ok()) return stored.status();
    v1::Offering updated = stored->offering;
    updated.clear_delete_time();
    // The supplier may have been retired, or another offering may have taken
    // the window, since the delete.
    if (absl::Status s = CheckLiveOffering(store, updated, *id); !s.ok()) return s;
    absl::StatusOr<StoredOffering> result = StoreChange(
        store, call, *stored, std::move(updated), crm::common::v1::AUDIT_ACTION_UNDELETE, now);
    if (!result.ok()) return result.status();
    *response.mutable_offering() = std::move(result->offering);
    return absl::OkStatus();
  });
}

absl::Status OfferingService::BestPrice(const common::CallContext& call,
                                        const v1::BestPriceRequest& request,
                                        v1::BestPriceResponse& response) {
  absl::StatusOr<PriceCandidateQuery> query =
      MakePriceCandidateQuery(request, common::UtcDate(Now()));
  if (!query.ok()) return query.status();
  absl::StatusOr<std::vector<PriceCandidateRow>> rows =
      repository_.FindPriceCandidates(call.deadline, *query);
  if (!rows.ok()) return rows.status();
  absl::StatusOr<std::vector<v1::PriceCandidate>> ranked =
      RankPriceCandidates(*std::move(rows), query->quantity);
  if (!ranked.ok()) return ranked.status();
  if (ranked->empty()) {
    std::string limits;
    if (!query->currency_code.empty()) absl::StrAppend(&limits, " in ", query->currency_code);
    if (query->max_lead_time_days > 0) {
      absl::StrAppend(&limits, " within ", query->max_lead_time_days, " days");
    }
    return absl::NotFoundError(
        absl::StrFormat("no ACTIVE or PREFERRED supplier offers item %s for quantity %d on %s%s",
                        common::QuoteValue(query->item), query->quantity,
                        common::FormatIsoDate(query->date), limits));
  }
  *response.mutable_best() = std::move(ranked->front());
  for (size_t i = 1; i < ranked->size(); ++i) {
    *response.add_alternatives() = std::move((*ranked)[i]);
  }
  return absl::OkStatus();
}

}  // namespace crm::supplier
