#include "supplier_svc/domain/purchase_order_service.h"

#include <set>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
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
#include "supplier_svc/domain/contract_rules.h"
#include "supplier_svc/domain/contract_service.h"
#include "supplier_svc/domain/purchase_order_rules.h"
#include "supplier_svc/domain/supplier_rules.h"

namespace crm::supplier {
namespace {

using common::CalendarDate;
using crm::common::v1::AuditAction;

constexpr std::string_view kPurchaseOrders = "purchaseOrders";
constexpr std::string_view kContracts = "contracts";
constexpr int kMaxServiceRating = 5;

bool IsSet(const crm::common::v1::Date& date) {
  return date.year() != 0 || date.month() != 0 || date.day() != 0;
}

// The id of the order's contract (already validated), or nullopt for none.
std::optional<int64_t> ContractIdOf(const v1::PurchaseOrder& order) {
  if (order.contract().empty()) return std::nullopt;
  absl::StatusOr<int64_t> id = common::ParseResourceId("contract", order.contract(), kContracts);
  if (!id.ok()) return std::nullopt;
  return *id;
}

int64_t SupplierIdOf(const v1::PurchaseOrder& order) {
  return common::ParseResourceId("supplier", order.supplier(), "suppliers").value_or(0);
}

CalendarDate OrderDate(const v1::PurchaseOrder& order) {
  return common::FromDateMessage(order.order_date());
}

// How far back an order may be dated (orders taken over from another system).
constexpr int kMaxOrderBackdateYears = 10;

// The order date of a new order: `requested` when set (not in the future,
// at most kMaxOrderBackdateYears back), else today.
absl::StatusOr<CalendarDate> NewOrderDate(const v1::PurchaseOrder& order,
                                          const CalendarDate& today) {
  if (!order.has_order_date()) return today;
  const CalendarDate requested = common::FromDateMessage(order.order_date());
  if (today < requested) {
    return absl::InvalidArgumentError(
        absl::StrFormat("purchase_order.order_date: %s is in the future (today is %s)",
                        common::FormatIsoDate(requested), common::FormatIsoDate(today)));
  }
  const CalendarDate earliest{today.year - kMaxOrderBackdateYears, today.month,
                              std::min(today.day, 28)};
  if (requested < earliest) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "purchase_order.order_date: %s is more than %d years back (earliest %s)",
        common::FormatIsoDate(requested), kMaxOrderBackdateYears, common::FormatIsoDate(earliest)));
  }
  return requested;
}

// Locks the contracts in ascending id order (so two transactions never wait
// for each other's contracts).
absl::Status LockContracts(ContractStore& store, const std::set<int64_t>& ids,
                           std::map<int64_t, StoredContract>& locked) {
  for (int64_t id : ids) {
    absl::StatusOr<StoredContract> contract =
        common::RequireFound(store.LockContract(id), common::FormatResourceName(kContracts, id));
    if (!contract.ok()) return contract.status();
    locked.emplace(id, *std::move(contract));
  }
  return absl::OkStatus();
}

// Stores every contract of `changed` that differs from `before`, each with an
// audit entry giving `reason`.
absl::Status StoreContracts(ContractStore& store, const common::CallContext& call,
                            const std::map<int64_t, StoredContract>& before,
                            const std::map<int64_t, StoredContract>& changed,
                            std::string_view reason, absl::Time now) {
  for (const auto& [id, contract] : changed) {
    const StoredContract& original = before.at(id);
    if (common::DiffMessages(original.contract, contract.contract).empty()) continue;
    absl::Status stored = StoreContractChange(store, call, original, contract.contract,
                                              crm::common::v1::AUDIT_ACTION_UPDATE, reason, now)
                              .status();
    if (!stored.ok()) return stored;
  }
  return absl::OkStatus();
}

// The order, locked, with a matching etag.
absl::StatusOr<StoredPurchaseOrder> LockForChange(PurchaseOrderStore& store, int64_t id,
                                                  std::string_view name, std::string_view etag,
                                                  std::string_view etag_field) {
  absl::StatusOr<StoredPurchaseOrder> stored =
      common::RequireFound(store.LockPurchaseOrder(id), name);
  if (!stored.ok()) return stored.status();
  if (absl::Status s = common::CheckEtag(etag, stored->version, name, etag_field); !s.ok()) {
    return s;
  }
  return stored;
}

// Locks the supplier of `peeked` (the order read without a lock). Every
// change of an order locks its supplier first: writing an order's status
// checks its supplier key, and placing an order locks the supplier before
// anything else.
absl::Status LockSupplierOf(PurchaseOrderStore& store, const v1::PurchaseOrder& peeked) {
  return common::RequireFound(store.Suppliers().LockSupplier(SupplierIdOf(peeked)),
                              peeked.supplier())
      .status();
}

// ABORTED when the order moved to another supplier or contract between
// `peeked` and `locked`.
absl::Status CheckUnmoved(const v1::PurchaseOrder& peeked, const v1::PurchaseOrder& locked) {
  if (peeked.supplier() == locked.supplier() && peeked.contract() == locked.contract()) {
    return absl::OkStatus();
  }
  return absl::AbortedError(
      absl::StrFormat("%s moved to another supplier or contract meanwhile; retry", locked.name()));
}

// The order, locked at the caller's etag (`etag`), still where `peeked` saw
// it, and allowed to move to `to`: the checks of every status change.
absl::StatusOr<StoredPurchaseOrder> LockForTransition(PurchaseOrderStore& store, int64_t id,
                                                      const v1::PurchaseOrder& peeked,
                                                      std::string_view name, std::string_view etag,
                                                      v1::PurchaseOrderStatus to) {
  absl::StatusOr<StoredPurchaseOrder> stored = LockForChange(store, id, name, etag, "etag");
  if (!stored.ok()) return stored.status();
  if (absl::Status s = CheckUnmoved(peeked, stored->order); !s.ok()) return s;
  if (absl::Status s = PurchaseOrderStatusMachine().Check(name, stored->order.status(), to);
      !s.ok()) {
    return s;
  }
  return stored;
}

absl::StatusOr<StoredPurchaseOrder> StoreChange(PurchaseOrderStore& store,
                                                const common::CallContext& call,
                                                const StoredPurchaseOrder& stored,
                                                v1::PurchaseOrder updated, AuditAction action,
                                                std::string_view reason, absl::Time now) {
  *updated.mutable_update_time() = common::ToProtoTimestamp(now);
  std::vector<crm::common::v1::FieldChange> changes = common::DiffMessages(stored.order, updated);
  bool replace_lines = stored.order.lines_size() != updated.lines_size();
  for (int i = 0; !replace_lines && i < updated.lines_size(); ++i) {
    replace_lines =
        stored.order.lines(i).SerializeAsString() != updated.lines(i).SerializeAsString();
  }
  absl::StatusOr<StoredPurchaseOrder> result =
      store.UpdatePurchaseOrder(updated, stored.version, replace_lines);
  if (!result.ok()) return result.status();
  absl::Status audited = store.InsertAuditEntry(
      common::MakeAuditEntry(call, updated.name(), action, std::move(changes), reason, now));
  if (!audited.ok()) return audited;
  return result;
}

absl::Status CheckNotBeforeOrderDate(std::string_view field, const crm::common::v1::Date& date,
                                     const CalendarDate& order_date) {
  const CalendarDate day = common::FromDateMessage(date);
  if (day < order_date) {
    return absl::InvalidArgumentError(absl::StrFormat("%s: %s is before the order date %s", field,
                                                      common::FormatIsoDate(day),
                                                      common::FormatIsoDate(order_date)));
  }
  return absl::OkStatus();
}

std::string SortValue(const v1::PurchaseOrder& order, PurchaseOrderOrder by) {
  switch (by) {
    case PurchaseOrderOrder::kPromisedDeliveryDate:
      if (!order.has_promised_delivery_date()) return kNoPromisedDateSortValue;
      return common::FormatIsoDate(common::FromDateMessage(order.promised_delivery_date()));
    case PurchaseOrderOrder::kOrderDate:
      return common::FormatIsoDate(OrderDate(order));
    case PurchaseOrderOrder::kTotalAmount:
      return std::to_string(order.total_amount().amount_minor());
    case PurchaseOrderOrder::kCreateTime:
      break;
  }
  return common::FormatMysqlDatetime(common::FromProtoTimestamp(order.create_time()));
}

absl::StatusOr<PurchaseOrderCursor> DecodeCursor(std::string_view token,
                                                 std::string_view fingerprint,
                                                 PurchaseOrderOrder by) {
  absl::StatusOr<common::PageCursor> cursor = common::DecodePageToken(token, fingerprint);
  if (!cursor.ok()) return cursor.status();
  PurchaseOrderCursor after;
  if (cursor->keys.size() != 2 || !absl::SimpleAtoi(cursor->keys[1], &after.id)) {
    return absl::InvalidArgumentError("page_token: invalid or corrupted");
  }
  after.sort_value = cursor->keys[0];
  int64_t amount = 0;
  const bool readable =
      by == PurchaseOrderOrder::kCreateTime ? common::ParseMysqlDatetime(after.sort_value).ok()
      : by == PurchaseOrderOrder::kPromisedDeliveryDate || by == PurchaseOrderOrder::kOrderDate
          ? common::ParseIsoDate(after.sort_value).ok()
          : absl::SimpleAtoi(after.sort_value, &amount);
  if (!readable) return absl::InvalidArgumentError("page_token: invalid or corrupted");
  return after;
}

}  // namespace

PurchaseOrderService::PurchaseOrderService(PurchaseOrderRepository& repository, Clock clock)
    : repository_(repository), clock_(std::move(clock)) {}

absl::Time PurchaseOrderService::Now() const {
  return absl::FromUnixMicros(absl::ToUnixMicros(clock_()));
}

absl::Status PurchaseOrderService::PriceOrder(PurchaseOrderStore& store, int64_t supplier_id,
                                              const CalendarDate& order_date,
                                              const std::map<int64_t, StoredContract>& contracts,
                                              v1::PurchaseOrder& order) {
  if (std::optional<int64_t> contract_id = ContractIdOf(order); contract_id.has_value()) {
    absl::Status priced = ApplyContractPrices(contracts.at(*contract_id).contract, order.contract(),
                                              order_date, order);
    if (!priced.ok()) return priced;
  }
  for (int i = 0; i < order.lines_size(); ++i) {
    v1::PurchaseOrderLine& line = *order.mutable_lines(i);
    if (line.offering().empty()) continue;
    const std::string field = absl::StrCat("purchase_order.lines[", i, "].offering");
    const int64_t offering_id = *common::ParseResourceId(field, line.offering(), "offerings");
    absl::StatusOr<v1::Offering> offering =
        common::RequireFound(store.FindOffering(offering_id), line.offering());
    if (!offering.ok()) return offering.status();
    if (offering->has_delete_time()) {
      return absl::FailedPreconditionError(
          absl::StrFormat("%s: %s is deleted", field, line.offering()));
    }
    if (offering->supplier() != order.supplier()) {
      return absl::InvalidArgumentError(absl::StrFormat("%s: %s is offered by %s, not by %s", field,
                                                        line.offering(), offering->supplier(),
                                                        order.supplier()));
    }
    if (offering->item() != line.item()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: %s offers item %s, not %s", field, line.offering(),
                          common::QuoteValue(offering->item()), common::QuoteValue(line.item())));
    }
    if (!line.has_unit_price()) {
      *line.mutable_unit_price() = offering->unit_price();
    } else if (line.unit_price().amount_minor() != offering->unit_price().amount_minor() ||
               line.unit_price().currency_code() != offering->unit_price().currency_code()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "purchase_order.lines[%d].unit_price: %s is %s at %s; leave unit_price unset or drop "
          "the offering for a manual price",
          i, FormatMoney(line.unit_price().amount_minor(), line.unit_price().currency_code()),
          line.offering(),
          FormatMoney(offering->unit_price().amount_minor(),
                      offering->unit_price().currency_code())));
    }
    if (line.supplier_item_code().empty()) {
      line.set_supplier_item_code(offering->supplier_item_code());
    }
    if (line.description().empty()) line.set_description(offering->description());
  }
  std::string currency;
  for (const v1::PurchaseOrderLine& line : order.lines()) {
    if (line.has_unit_price()) {
      currency = line.unit_price().currency_code();
      break;
    }
  }
  for (int i = 0; i < order.lines_size(); ++i) {
    v1::PurchaseOrderLine& line = *order.mutable_lines(i);
    if (line.has_unit_price()) continue;
    absl::StatusOr<std::vector<v1::Offering>> offerings =
        store.ListLiveOfferings(supplier_id, line.item());
    if (!offerings.ok()) return offerings.status();
    std::optional<v1::Offering> best =
        ChooseBestOffering(*offerings, line.quantity(), order_date, currency);
    if (!best.has_value()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "purchase_order.lines[%d].unit_price: required, since %s has no offering of item %s "
          "valid on %s for %d units%s",
          i, order.supplier(), common::QuoteValue(line.item()), common::FormatIsoDate(order_date),
          line.quantity(), currency.empty() ? "" : absl::StrCat(" in ", currency)));
    }
    *line.mutable_unit_price() = best->unit_price();
    line.set_offering(best->name());
    if (line.supplier_item_code().empty()) line.set_supplier_item_code(best->supplier_item_code());
    if (line.description().empty()) line.set_description(best->description());
    if (currency.empty()) currency = best->unit_price().currency_code();
  }
  return ComputePurchaseOrderAmounts(order);
}

absl::Status PurchaseOrderService::GetPurchaseOrder(const common::CallContext& call,
                                                    const v1::GetPurchaseOrderRequest& request,
                                                    v1::GetPurchaseOrderResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kPurchaseOrders);
  if (!id.ok()) return id.status();
  absl::StatusOr<StoredPurchaseOrder> stored =
      common::RequireFound(repository_.GetPurchaseOrder(call.deadline, *id), request.name());
  if (!stored.ok()) return stored.status();
  *response.mutable_purchase_order() = std::move(stored->order);
  return absl::OkStatus();
}

absl::Status PurchaseOrderService::ListPurchaseOrders(const common::CallContext& call,
                                                      const v1::ListPurchaseOrdersRequest& request,
                                                      v1::ListPurchaseOrdersResponse& response) {
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  PurchaseOrderListQuery query;
  absl::StatusOr<std::vector<PurchaseOrderCondition>> conditions =
      ParsePurchaseOrderFilter(request.filter());
  if (!conditions.ok()) return conditions.status();
  query.conditions = *std::move(conditions);
  if (absl::Status s = ParsePurchaseOrderOrder(request.order_by(), query.order, query.descending);
      !s.ok()) {
    return s;
  }
  query.limit = *page_size + 1;
  const std::string fingerprint =
      common::PageQueryFingerprint({"ListPurchaseOrders", request.filter(), request.order_by()});
  if (!request.page_token().empty()) {
    absl::StatusOr<PurchaseOrderCursor> after =
        DecodeCursor(request.page_token(), fingerprint, query.order);
    if (!after.ok()) return after.status();
    query.after = *std::move(after);
  }
  absl::StatusOr<std::vector<StoredPurchaseOrder>> rows =
      repository_.ListPurchaseOrders(call.deadline, query);
  if (!rows.ok()) return rows.status();
  const bool more = common::TrimToPage(*rows, *page_size);
  for (StoredPurchaseOrder& row : *rows) *response.add_purchase_orders() = std::move(row.order);
  if (more) {
    const v1::PurchaseOrder& last = response.purchase_orders(response.purchase_orders_size() - 1);
    common::PageCursor next{{SortValue(last, query.order), std::to_string(rows->back().id)}};
    response.set_next_page_token(common::EncodePageToken(next, fingerprint));
  }
  return absl::OkStatus();
}

absl::Status PurchaseOrderService::CreatePurchaseOrder(
    const common::CallContext& call, const v1::CreatePurchaseOrderRequest& request,
    v1::CreatePurchaseOrderResponse& response) {
  if (absl::Status s = common::ValidateRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  v1::PurchaseOrder order = request.purchase_order();
  ClearPurchaseOrderOutputOnly(order);
  if (absl::Status valid = ValidatePurchaseOrder(order); !valid.ok()) return valid;
  const absl::Time now = Now();
  absl::StatusOr<CalendarDate> order_date = NewOrderDate(order, common::UtcDate(now));
  if (!order_date.ok()) return order_date.status();
  common::ToDateMessage(*order_date, order.mutable_order_date());
  if (order.has_promised_delivery_date()) {
    if (absl::Status s = CheckNotBeforeOrderDate("purchase_order.promised_delivery_date",
                                                 order.promised_delivery_date(), *order_date);
        !s.ok()) {
      return s;
    }
  }
  const int64_t supplier_id = SupplierIdOf(order);
  const std::optional<int64_t> contract_id = ContractIdOf(order);
  order.set_status(v1::PURCHASE_ORDER_STATUS_OPEN);
  *order.mutable_create_time() = common::ToProtoTimestamp(now);
  *order.mutable_update_time() = common::ToProtoTimestamp(now);

  v1::CreatePurchaseOrderRequest fingerprint_request = request;
  fingerprint_request.clear_request_id();
  absl::StatusOr<std::string> stored_response = repository_.TransactOnce(
      call.deadline, "crm.supplier.v1.PurchaseOrderService/CreatePurchaseOrder",
      request.request_id(), common::DeterministicBytes(fingerprint_request),
      [&](PurchaseOrderStore& store) -> absl::StatusOr<std::string> {
        absl::StatusOr<StoredSupplier> supplier =
            common::RequireFound(store.Suppliers().LockSupplier(supplier_id), order.supplier());
        if (!supplier.ok()) return supplier.status();
        if (absl::Status s = CheckSupplierTakesOrders(supplier->supplier); !s.ok()) return s;
        std::map<int64_t, StoredContract> contracts;
        if (contract_id.has_value()) {
          if (absl::Status s = LockContracts(store.Contracts(), {*contract_id}, contracts);
              !s.ok()) {
            return s;
          }
        }
        v1::PurchaseOrder priced = order;
        if (absl::Status s = PriceOrder(store, supplier_id, *order_date, contracts, priced);
            !s.ok()) {
          return s;
        }
        std::map<int64_t, StoredContract> drawn = contracts;
        if (contract_id.has_value()) {
          if (absl::Status s =
                  DrawDownContract(drawn.at(*contract_id).contract, priced.contract(), priced, +1);
              !s.ok()) {
            return s;
          }
        }
        absl::StatusOr<StoredPurchaseOrder> stored = store.InsertPurchaseOrder(priced);
        if (!stored.ok()) return stored.status();
        absl::Status audited = store.InsertAuditEntry(
            common::MakeAuditEntry(call, stored->order.name(), crm::common::v1::AUDIT_ACTION_CREATE,
                                   common::DiffFromEmpty(stored->order), "", now));
        if (!audited.ok()) return audited;
        if (absl::Status s = StoreContracts(store.Contracts(), call, contracts, drawn,
                                            absl::StrCat("ordered by ", stored->order.name()), now);
            !s.ok()) {
          return s;
        }
        v1::CreatePurchaseOrderResponse created;
        *created.mutable_purchase_order() = std::move(stored->order);
        return created.SerializeAsString();
      });
  return common::ParseStoredResponse(stored_response, "CreatePurchaseOrder", response);
}

absl::Status PurchaseOrderService::UpdatePurchaseOrder(
    const common::CallContext& call, const v1::UpdatePurchaseOrderRequest& request,
    v1::UpdatePurchaseOrderResponse& response) {
  const std::string& name = request.purchase_order().name();
  absl::StatusOr<int64_t> id =
      common::ParseResourceId("purchase_order.name", name, kPurchaseOrders);
  if (!id.ok()) return id.status();
  if (absl::Status s = ValidatePurchaseOrderUpdateMask(request.update_mask()); !s.ok()) return s;
  bool reprice = false;
  bool contract_changes = false;
  for (const std::string& path :
       common::ExpandMask(request.update_mask(), PurchaseOrderUpdatablePaths())) {
    if (path != "promised_delivery_date") reprice = true;
    if (path == "contract") contract_changes = true;
  }
  // The supplier is locked before the order, as placing an order locks it
  // before its contract.
  absl::StatusOr<StoredPurchaseOrder> peek =
      common::RequireFound(repository_.GetPurchaseOrder(call.deadline, *id), name);
  if (!peek.ok()) return peek.status();
  const int64_t supplier_id = SupplierIdOf(peek->order);
  // The contracts the order leaves and joins, locked before the order.
  std::set<int64_t> contract_ids;
  if (reprice) {
    if (std::optional<int64_t> old_id = ContractIdOf(peek->order); old_id.has_value()) {
      contract_ids.insert(*old_id);
    }
    const std::optional<int64_t> new_id =
        contract_changes ? ContractIdOf(request.purchase_order()) : ContractIdOf(peek->order);
    if (new_id.has_value()) contract_ids.insert(*new_id);
  }
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](PurchaseOrderStore& store) -> absl::Status {
    absl::StatusOr<StoredSupplier> supplier =
        common::RequireFound(store.Suppliers().LockSupplier(supplier_id), peek->order.supplier());
    if (!supplier.ok()) return supplier.status();
    std::map<int64_t, StoredContract> contracts;
    std::map<int64_t, StoredContract> drawn;
    if (absl::Status s = LockContracts(store.Contracts(), contract_ids, contracts); !s.ok()) {
      return s;
    }
    absl::StatusOr<StoredPurchaseOrder> stored =
        LockForChange(store, *id, name, request.purchase_order().etag(), "purchase_order.etag");
    if (!stored.ok()) return stored.status();
    if (stored->order.supplier() != peek->order.supplier() ||
        stored->order.contract() != peek->order.contract()) {
      return absl::AbortedError(
          absl::StrFormat("%s moved to another supplier or contract meanwhile; retry", name));
    }
    if (stored->order.status() != v1::PURCHASE_ORDER_STATUS_OPEN) {
      return absl::FailedPreconditionError(
          absl::StrFormat("%s is %s; only OPEN orders can change", name,
                          common::ShortEnumName(stored->order.status())));
    }
    if (absl::Status s = CheckSupplierTakesOrders(supplier->supplier); !s.ok()) return s;

    v1::PurchaseOrder updated = stored->order;
    v1::PurchaseOrder patch = request.purchase_order();
    ClearPurchaseOrderOutputOnly(patch);
    if (absl::Status s = common::ApplyUpdateMask(patch, request.update_mask(),
                                                 PurchaseOrderUpdatablePaths(), &updated);
        !s.ok()) {
      return s;
    }
    if (!IsSet(updated.promised_delivery_date())) updated.clear_promised_delivery_date();
    if (absl::Status valid = ValidatePurchaseOrder(updated); !valid.ok()) return valid;
    const CalendarDate order_date = OrderDate(stored->order);
    if (updated.has_promised_delivery_date()) {
      if (absl::Status s = CheckNotBeforeOrderDate("purchase_order.promised_delivery_date",
                                                   updated.promised_delivery_date(), order_date);
          !s.ok()) {
        return s;
      }
    }
    if (reprice) {
      const std::optional<int64_t> old_contract = ContractIdOf(stored->order);
      const std::optional<int64_t> new_contract = ContractIdOf(updated);
      for (const std::optional<int64_t>& contract_id : {old_contract, new_contract}) {
        if (contract_id.has_value() && !contracts.contains(*contract_id)) {
          return absl::InternalError("contract of the order was not locked");
        }
      }
      drawn = contracts;
      if (old_contract.has_value()) {
        if (absl::Status s = DrawDownContract(drawn.at(*old_contract).contract,
                                              stored->order.contract(), stored->order, -1);
            !s.ok()) {
          return s;
        }
      }
      if (absl::Status s = PriceOrder(store, supplier_id, order_date, contracts, updated);
          !s.ok()) {
        return s;
      }
      if (new_contract.has_value()) {
        if (absl::Status s =
                DrawDownContract(drawn.at(*new_contract).contract, updated.contract(), updated, +1);
            !s.ok()) {
          return s;
        }
      }
    }
    if (common::DiffMessages(stored->order, updated).empty()) {
      *response.mutable_purchase_order() = std::move(stored->order);
      return absl::OkStatus();
    }
    absl::StatusOr<StoredPurchaseOrder> result = StoreChange(
        store, call, *stored, std::move(updated), crm::common::v1::AUDIT_ACTION_UPDATE, "", now);
    if (!result.ok()) return result.status();
    if (absl::Status s = StoreContracts(store.Contracts(), call, contracts, drawn,
                                        absl::StrCat("order changed: ", name), now);
        !s.ok()) {
      return s;
    }
    *response.mutable_purchase_order() = std::move(result->order);
    return absl::OkStatus();
  });
}

absl::Status PurchaseOrderService::ConfirmPurchaseOrder(
    const common::CallContext& call, const v1::ConfirmPurchaseOrderRequest& request,
    v1::ConfirmPurchaseOrderResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kPurchaseOrders);
  if (!id.ok()) return id.status();
  if (!IsSet(request.promised_delivery_date())) {
    return absl::InvalidArgumentError("promised_delivery_date: required");
  }
  if (absl::Status s = common::ValidateCalendarDate(
          "promised_delivery_date", common::FromDateMessage(request.promised_delivery_date()));
      !s.ok()) {
    return s;
  }
  const absl::Time now = Now();
  absl::StatusOr<StoredPurchaseOrder> peek =
      common::RequireFound(repository_.GetPurchaseOrder(call.deadline, *id), request.name());
  if (!peek.ok()) return peek.status();
  return repository_.Transact(call.deadline, [&](PurchaseOrderStore& store) -> absl::Status {
    if (absl::Status s = LockSupplierOf(store, peek->order); !s.ok()) return s;
    absl::StatusOr<StoredPurchaseOrder> stored =
        LockForTransition(store, *id, peek->order, request.name(), request.etag(),
                          v1::PURCHASE_ORDER_STATUS_CONFIRMED);
    if (!stored.ok()) return stored.status();
    if (absl::Status s = CheckNotBeforeOrderDate(
            "promised_delivery_date", request.promised_delivery_date(), OrderDate(stored->order));
        !s.ok()) {
      return s;
    }
    v1::PurchaseOrder updated = stored->order;
    updated.set_status(v1::PURCHASE_ORDER_STATUS_CONFIRMED);
    *updated.mutable_promised_delivery_date() = request.promised_delivery_date();
    absl::StatusOr<StoredPurchaseOrder> result =
        StoreChange(store, call, *stored, std::move(updated),
                    crm::common::v1::AUDIT_ACTION_STATE_CHANGE, "", now);
    if (!result.ok()) return result.status();
    *response.mutable_purchase_order() = std::move(result->order);
    return absl::OkStatus();
  });
}

absl::Status PurchaseOrderService::RecordPurchaseOrderDelivery(
    const common::CallContext& call, const v1::RecordPurchaseOrderDeliveryRequest& request,
    v1::RecordPurchaseOrderDeliveryResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kPurchaseOrders);
  if (!id.ok()) return id.status();
  const absl::Time now = Now();
  const CalendarDate today = common::UtcDate(now);
  if (!IsSet(request.actual_delivery_date())) {
    return absl::InvalidArgumentError("actual_delivery_date: required");
  }
  const CalendarDate actual = common::FromDateMessage(request.actual_delivery_date());
  if (absl::Status s = common::ValidateCalendarDate("actual_delivery_date", actual); !s.ok()) {
    return s;
  }
  if (today < actual) {
    return absl::InvalidArgumentError(
        absl::StrFormat("actual_delivery_date: %s is in the future (today is %s)",
                        common::FormatIsoDate(actual), common::FormatIsoDate(today)));
  }
  if (!request.has_quality_result()) {
    return absl::InvalidArgumentError(
        "quality_result: required (accepted and defective quantities of the delivery)");
  }
  if (absl::Status s =
          common::ValidateRange("service_rating", request.service_rating(), 0, kMaxServiceRating);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<StoredPurchaseOrder> peek =
      common::RequireFound(repository_.GetPurchaseOrder(call.deadline, *id), request.name());
  if (!peek.ok()) return peek.status();
  return repository_.Transact(call.deadline, [&](PurchaseOrderStore& store) -> absl::Status {
    if (absl::Status s = LockSupplierOf(store, peek->order); !s.ok()) return s;
    absl::StatusOr<StoredPurchaseOrder> stored =
        LockForTransition(store, *id, peek->order, request.name(), request.etag(),
                          v1::PURCHASE_ORDER_STATUS_DELIVERED);
    if (!stored.ok()) return stored.status();
    if (absl::Status s = CheckNotBeforeOrderDate(
            "actual_delivery_date", request.actual_delivery_date(), OrderDate(stored->order));
        !s.ok()) {
      return s;
    }
    if (absl::Status s =
            ValidateQualityResult(request.quality_result(), OrderedQuantity(stored->order));
        !s.ok()) {
      return s;
    }
    v1::PurchaseOrder updated = stored->order;
    updated.set_status(v1::PURCHASE_ORDER_STATUS_DELIVERED);
    *updated.mutable_actual_delivery_date() = request.actual_delivery_date();
    updated.set_on_time_delivery(
        IsOnTime(common::FromDateMessage(stored->order.promised_delivery_date()), actual));
    *updated.mutable_quality_result() = request.quality_result();
    if (!updated.quality_result().has_inspect_time()) {
      *updated.mutable_quality_result()->mutable_inspect_time() = common::ToProtoTimestamp(now);
    }
    updated.set_service_rating(request.service_rating());
    absl::StatusOr<StoredPurchaseOrder> result =
        StoreChange(store, call, *stored, std::move(updated),
                    crm::common::v1::AUDIT_ACTION_STATE_CHANGE, "", now);
    if (!result.ok()) return result.status();
    *response.mutable_purchase_order() = std::move(result->order);
    return absl::OkStatus();
  });
}

absl::Status PurchaseOrderService::CancelPurchaseOrder(
    const common::CallContext& call, const v1::CancelPurchaseOrderRequest& request,
    v1::CancelPurchaseOrderResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kPurchaseOrders);
  if (!id.ok()) return id.status();
  if (absl::Status s = common::ValidateRequiredText("reason", request.reason(), kMaxReasonChars);
      !s.ok()) {
    return s;
  }
  // Supplier, contract, then the order: the order in which placing an order
  // locks them.
  absl::StatusOr<StoredPurchaseOrder> peek =
      common::RequireFound(repository_.GetPurchaseOrder(call.deadline, *id), request.name());
  if (!peek.ok()) return peek.status();
  const std::optional<int64_t> contract_id = ContractIdOf(peek->order);
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](PurchaseOrderStore& store) -> absl::Status {
    if (absl::Status s = LockSupplierOf(store, peek->order); !s.ok()) return s;
    std::map<int64_t, StoredContract> contracts;
    std::map<int64_t, StoredContract> returned;
    if (contract_id.has_value()) {
      if (absl::Status s = LockContracts(store.Contracts(), {*contract_id}, contracts); !s.ok()) {
        return s;
      }
    }
    absl::StatusOr<StoredPurchaseOrder> stored =
        LockForTransition(store, *id, peek->order, request.name(), request.etag(),
                          v1::PURCHASE_ORDER_STATUS_CANCELLED);
    if (!stored.ok()) return stored.status();
    if (contract_id.has_value()) {
      returned = contracts;
      if (absl::Status s = DrawDownContract(returned.at(*contract_id).contract,
                                            stored->order.contract(), stored->order, -1);
          !s.ok()) {
        return s;
      }
    }
    v1::PurchaseOrder updated = stored->order;
    updated.set_status(v1::PURCHASE_ORDER_STATUS_CANCELLED);
    updated.set_cancel_reason(request.reason());
    absl::StatusOr<StoredPurchaseOrder> result =
        StoreChange(store, call, *stored, std::move(updated),
                    crm::common::v1::AUDIT_ACTION_STATE_CHANGE, request.reason(), now);
    if (!result.ok()) return result.status();
    if (absl::Status s = StoreContracts(store.Contracts(), call, contracts, returned,
                                        absl::StrCat("cancelled ", request.name()), now);
        !s.ok()) {
      return s;
    }
    *response.mutable_purchase_order() = std::move(result->order);
    return absl::OkStatus();
  });
}

}  // namespace crm::supplier
