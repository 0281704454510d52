#include "supplier_svc/domain/supplier_communication_service.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
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
#include "supplier_svc/domain/supplier_communication_rules.h"

namespace crm::supplier {
namespace {

constexpr std::string_view kSuppliers = "suppliers";
constexpr std::string_view kCommunications = "communications";

absl::Status InvalidPageToken() {
  return absl::InvalidArgumentError("page_token: invalid or corrupted");
}

const google::protobuf::Timestamp& SortTime(const v1::SupplierCommunication& communication,
                                            CommunicationOrder order) {
  return order == CommunicationOrder::kCreateTime ? communication.create_time()
                                                  : communication.occur_time();
}

}  // namespace

SupplierCommunicationService::SupplierCommunicationService(
    SupplierCommunicationRepository& repository, Clock clock)
    : repository_(repository), clock_(std::move(clock)) {}

absl::Time SupplierCommunicationService::Now() const {
  return absl::FromUnixMicros(absl::ToUnixMicros(clock_()));
}

absl::Status SupplierCommunicationService::GetSupplierCommunication(
    const common::CallContext& call, const v1::GetSupplierCommunicationRequest& request,
    v1::GetSupplierCommunicationResponse& response) {
  absl::StatusOr<std::vector<int64_t>> ids =
      common::ParseNestedResourceName("name", request.name(), {kSuppliers, kCommunications});
  if (!ids.ok()) return ids.status();
  absl::StatusOr<StoredCommunication> stored = common::RequireFound(
      repository_.GetCommunication(call.deadline, (*ids)[0], (*ids)[1]), request.name());
  if (!stored.ok()) return stored.status();
  *response.mutable_supplier_communication() = std::move(stored->communication);
  return absl::OkStatus();
}

absl::Status SupplierCommunicationService::ListSupplierCommunications(
    const common::CallContext& call, const v1::ListSupplierCommunicationsRequest& request,
    v1::ListSupplierCommunicationsResponse& response) {
  CommunicationListQuery query;
  if (request.parent() != "suppliers/-") {
    absl::StatusOr<int64_t> id = common::ParseResourceId("parent", request.parent(), kSuppliers);
    if (!id.ok()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("parent: %s must be suppliers/{id} or suppliers/- for every supplier",
                          common::QuoteValue(request.parent())));
    }
    query.supplier_id = *id;
  }
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  absl::StatusOr<std::vector<CommunicationCondition>> conditions =
      ParseCommunicationFilter(request.filter());
  if (!conditions.ok()) return conditions.status();
  query.conditions = *std::move(conditions);
  if (absl::Status order =
          ParseCommunicationOrder(request.order_by(), query.order, query.descending);
      !order.ok()) {
    return order;
  }
  query.limit = *page_size + 1;
  const std::string fingerprint = common::PageQueryFingerprint(
      {"ListSupplierCommunications", request.parent(), request.filter(), request.order_by()});
  if (!request.page_token().empty()) {
    absl::StatusOr<common::PageCursor> cursor =
        common::DecodePageToken(request.page_token(), fingerprint);
    if (!cursor.ok()) return cursor.status();
    CommunicationCursor after;
    if (cursor->keys.size() != 2 || !absl::SimpleAtoi(cursor->keys[1], &after.id) ||
        !common::ParseMysqlDatetime(cursor->keys[0]).ok()) {
      return InvalidPageToken();
    }
    after.time = cursor->keys[0];
    query.after = std::move(after);
  }
  if (query.supplier_id.has_value()) {
    absl::StatusOr<bool> exists = repository_.SupplierExists(call.deadline, *query.supplier_id);
    if (!exists.ok()) return exists.status();
    if (!*exists) {
      return absl::NotFoundError(absl::StrFormat("%s does not exist", request.parent()));
    }
  }
  absl::StatusOr<std::vector<StoredCommunication>> rows =
      repository_.ListCommunications(call.deadline, query);
  if (!rows.ok()) return rows.status();
  const bool more = common::TrimToPage(*rows, *page_size);
  if (more) {
    const StoredCommunication& last = rows->back();
    common::PageCursor next{{common::FormatMysqlDatetime(common::FromProtoTimestamp(
                                 SortTime(last.communication, query.order))),
                             std::to_string(last.id)}};
    response.set_next_page_token(common::EncodePageToken(next, fingerprint));
  }
  for (StoredCommunication& row : *rows) {
    *response.add_supplier_communications() = std::move(row.communication);
  }
  return absl::OkStatus();
}

absl::Status SupplierCommunicationService::CreateSupplierCommunication(
    const common::CallContext& call, const v1::CreateSupplierCommunicationRequest& request,
    v1::CreateSupplierCommunicationResponse& response) {
  absl::StatusOr<int64_t> supplier_id =
      common::ParseResourceId("parent", request.parent(), kSuppliers);
  if (!supplier_id.ok()) return supplier_id.status();
  if (absl::Status id_ok = common::ValidateRequestId("request_id", request.request_id());
      !id_ok.ok()) {
    return id_ok;
  }
  const absl::Time now = Now();
  v1::SupplierCommunication communication = request.supplier_communication();
  communication.clear_name();
  communication.clear_create_time();
  if (absl::Status valid = NormalizeCommunication(communication, now); !valid.ok()) return valid;
  *communication.mutable_create_time() = common::ToProtoTimestamp(now);

  v1::CreateSupplierCommunicationRequest fingerprint_request = request;
  fingerprint_request.clear_request_id();
  absl::StatusOr<std::string> stored_response = repository_.TransactOnce(
      call.deadline, "crm.supplier.v1.SupplierCommunicationService/CreateSupplierCommunication",
      request.request_id(), common::DeterministicBytes(fingerprint_request),
      [&](CommunicationStore& store) -> absl::StatusOr<std::string> {
        // Locking the supplier keeps it from being deleted meanwhile.
        absl::StatusOr<StoredSupplier> supplier =
            common::RequireFound(store.suppliers().LockSupplier(*supplier_id), request.parent());
        if (!supplier.ok()) return supplier.status();
        if (absl::Status live =
                common::RequireLive(supplier->supplier.has_delete_time(), request.parent());
            !live.ok()) {
          return live;
        }
        absl::StatusOr<StoredCommunication> stored =
            store.InsertCommunication(*supplier_id, communication);
        if (!stored.ok()) return stored.status();
        absl::Status audited = store.InsertAuditEntry(common::MakeAuditEntry(
            call, stored->communication.name(), crm::common::v1::AUDIT_ACTION_CREATE,
            common::DiffFromEmpty(stored->communication), "", now));
        if (!audited.ok()) return audited;
        v1::CreateSupplierCommunicationResponse created;
        *created.mutable_supplier_communication() = std::move(stored->communication);
        return created.SerializeAsString();
      });
  return common::ParseStoredResponse(stored_response, "CreateSupplierCommunication", response);
}

}  // namespace crm::supplier
