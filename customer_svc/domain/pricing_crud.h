#ifndef CRM_CUSTOMER_SVC_DOMAIN_PRICING_CRUD_H_
#define CRM_CUSTOMER_SVC_DOMAIN_PRICING_CRUD_H_

// The standard methods (Get, List, Create, Update, Delete, Undelete) of the
// three pricing resources, written once. A resource plugs in through a traits
// type (see pricing_resources.h) that names its field, collection, table,
// validation, updatable paths, filter fields, sort keys and key description.
//
// Shared rules: names are validated before any SQL; Create is idempotent per
// request_id; Update applies update_mask to the stored row, re-validates it
// and changes nothing when nothing differs; Update/Delete/Undelete check the
// etag (ABORTED when stale); Delete is soft; Create/Update/Undelete refuse a
// row whose validity overlaps a live row with the same key (ALREADY_EXISTS
// naming that row), so a quote is never ambiguous; rows of a customer
// (special prices) lock the customer first and need it live; every change
// writes its audit entry in the same transaction.

#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/repeated_field.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/api/calendar_date.h"
#include "common/api/etag.h"
#include "common/api/field_mask.h"
#include "common/api/order_by.h"
#include "common/api/page_token.h"
#include "common/api/paging.h"
#include "common/api/quote.h"
#include "common/api/resource_name.h"
#include "common/api/time_util.h"
#include "common/api/validation.h"
#include "common/audit/audit_log.h"
#include "common/audit/record_audit.h"
#include "common/server/call_runner.h"
#include "customer_svc/domain/customer_service.h"
#include "customer_svc/domain/pricing_repository.h"

namespace crm::customer {

// The ids in a pricing resource name; parent_id is 0 for top-level resources.
struct PricingName {
  int64_t parent_id = 0;
  int64_t id = 0;
};

// A sort key a List accepts in order_by.
struct PricingOrderOption {
  std::string_view name;
  PricingOrder order;
};

// "2024-01-01..2024-12-31" or "2024-01-01..open-ended".
template <typename Resource>
std::string DescribePeriod(const Resource& resource) {
  return absl::StrCat(common::FormatIsoDate(common::FromDateMessage(resource.valid_from())), "..",
                      resource.has_valid_until()
                          ? common::FormatIsoDate(common::FromDateMessage(resource.valid_until()))
                          : std::string("open-ended"));
}

// The List parameters every pricing List request carries.
struct PricingListRequest {
  std::optional<int64_t> parent_id;  // special prices of one customer
  std::string_view parent;           // as requested, part of the page token's query
  int32_t page_size = 0;
  std::string_view page_token;
  std::string_view filter;
  std::string_view order_by;
  bool show_deleted = false;
};

// FAILED_PRECONDITION / NOT_FOUND unless customer `customer_id` exists and is
// live; locks its row.
absl::Status RequireLiveCustomer(PricingStore& store, int64_t customer_id);

template <typename Traits>
class PricingCrud {
 public:
  using Resource = typename Traits::Resource;
  using Row = StoredPricingRow<Resource>;

  PricingCrud(PricingRepository& repository, Clock clock)
      : repository_(repository), clock_(std::move(clock)) {}

  absl::Status Get(const common::CallContext& call, std::string_view name, Resource& out) {
    absl::StatusOr<PricingName> parsed = Traits::ParseName("name", name);
    if (!parsed.ok()) return parsed.status();
    return repository_.Read(call.deadline, [&](PricingStore& store) -> absl::Status {
      absl::StatusOr<Row> row = FindNamed(store, *parsed, name, /*lock=*/false);
      if (!row.ok()) return row.status();
      out = std::move(row->resource);
      return absl::OkStatus();
    });
  }

  absl::Status List(const common::CallContext& call, const PricingListRequest& request,
                    google::protobuf::RepeatedPtrField<Resource>& out,
                    std::string& next_page_token) {
    absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size);
    if (!page_size.ok()) return page_size.status();
    PricingListQuery query;
    query.parent_id = request.parent_id;
    absl::StatusOr<std::vector<PricingCondition>> conditions =
        common::ResolveFilter<PricingColumn>(request.filter, Traits::FilterFields());
    if (!conditions.ok()) return conditions.status();
    query.conditions = *std::move(conditions);
    if (absl::Status order = ParseOrder(request.order_by, query); !order.ok()) return order;
    query.show_deleted = request.show_deleted;
    query.limit = *page_size + 1;  // one more tells whether a next page exists

    const std::string fingerprint =
        common::PageQueryFingerprint({Traits::kField, request.parent, request.filter,
                                      request.order_by, request.show_deleted ? "1" : "0"});
    if (!request.page_token.empty()) {
      absl::StatusOr<common::PageCursor> cursor =
          common::DecodePageToken(request.page_token, fingerprint);
      if (!cursor.ok()) return cursor.status();
      absl::StatusOr<PricingCursor> after = ReadCursor(*cursor, query.order);
      if (!after.ok()) return after.status();
      query.after = *std::move(after);
    }

    std::vector<Row> rows;
    absl::Status read = repository_.Read(call.deadline, [&](PricingStore& store) -> absl::Status {
      absl::StatusOr<std::vector<Row>> listed = Traits::Table(store).List(query);
      if (!listed.ok()) return listed.status();
      rows = *std::move(listed);
      return absl::OkStatus();
    });
    if (!read.ok()) return read;
    const bool more = common::TrimToPage(rows, *page_size);
    if (more) {
      const Row& last = rows.back();
      common::PageCursor next{{SortValue(last.resource, query.order), std::to_string(last.id)}};
      next_page_token = common::EncodePageToken(next, fingerprint);
    }
    for (Row& row : rows) *out.Add() = std::move(row.resource);
    return absl::OkStatus();
  }

  // `fingerprint`: the request without its request_id (common::DeterministicBytes).
  absl::Status Create(const common::CallContext& call, int64_t parent_id, const Resource& input,
                      std::string_view request_id, std::string_view fingerprint, Resource& out) {
    if (absl::Status id_ok = common::ValidateRequestId("request_id", request_id); !id_ok.ok()) {
      return id_ok;
    }
    Resource resource = input;
    resource.clear_name();
    resource.clear_etag();
    resource.clear_create_time();
    resource.clear_update_time();
    resource.clear_delete_time();
    if (absl::Status valid = Traits::Validate(resource); !valid.ok()) return valid;
    const absl::Time now = Now();
    *resource.mutable_create_time() = common::ToProtoTimestamp(now);
    *resource.mutable_update_time() = common::ToProtoTimestamp(now);

    absl::StatusOr<std::string> stored = repository_.TransactOnce(
        call.deadline, Traits::kCreateMethod, request_id, fingerprint,
        [&](PricingStore& store) -> absl::StatusOr<std::string> {
          if constexpr (Traits::kHasParent) {
            if (absl::Status live = RequireLiveCustomer(store, parent_id); !live.ok()) return live;
          }
          if (absl::Status free = CheckNoOverlap(store, parent_id, resource, 0); !free.ok()) {
            return free;
          }
          absl::StatusOr<Row> row = Traits::Table(store).Insert(parent_id, resource);
          if (!row.ok()) return row.status();
          absl::Status audited =
              Audit(store, call, row->resource.name(), crm::common::v1::AUDIT_ACTION_CREATE,
                    common::DiffFromEmpty(row->resource), request_id, now);
          if (!audited.ok()) return audited;
          return row->resource.SerializeAsString();
        });
    if (!stored.ok()) return stored.status();
    if (!out.ParseFromString(*stored)) {
      return absl::InternalError(absl::StrCat("stored create response of ",
                                              std::string(Traits::kField), " is unreadable"));
    }
    return absl::OkStatus();
  }

  absl::Status Update(const common::CallContext& call, const Resource& patch,
                      const google::protobuf::FieldMask& mask, Resource& out) {
    const std::string name_field = absl::StrCat(std::string(Traits::kField), ".name");
    absl::StatusOr<PricingName> parsed = Traits::ParseName(name_field, patch.name());
    if (!parsed.ok()) return parsed.status();
    if (absl::Status valid =
            common::ValidateUpdateMask(mask, *Resource::descriptor(), Traits::UpdatablePaths());
        !valid.ok()) {
      return valid;
    }
    const absl::Time now = Now();
    return repository_.Transact(call.deadline, [&](PricingStore& store) -> absl::Status {
      if constexpr (Traits::kHasParent) {
        if (absl::Status live = RequireLiveCustomer(store, parsed->parent_id); !live.ok()) {
          return live;
        }
      }
      absl::StatusOr<Row> row = LockLive(store, *parsed, patch.name(), patch.etag(),
                                         absl::StrCat(std::string(Traits::kField), ".etag"));
      if (!row.ok()) return row.status();
      Resource updated = row->resource;
      absl::Status applied =
          common::ApplyUpdateMask(patch, mask, Traits::UpdatablePaths(), &updated);
      if (!applied.ok()) return applied;
      if (absl::Status valid = Traits::Validate(updated); !valid.ok()) return valid;
      std::vector<crm::common::v1::FieldChange> changes =
          common::DiffMessages(row->resource, updated);
      if (changes.empty()) {
        out = std::move(row->resource);
        return absl::OkStatus();
      }
      if (absl::Status free = CheckNoOverlap(store, parsed->parent_id, updated, row->id);
          !free.ok()) {
        return free;
      }
      return Store(store, call, *row, std::move(updated), std::move(changes),
                   crm::common::v1::AUDIT_ACTION_UPDATE, now, out);
    });
  }

  absl::Status Delete(const common::CallContext& call, std::string_view name, std::string_view etag,
                      Resource& out) {
    absl::StatusOr<PricingName> parsed = Traits::ParseName("name", name);
    if (!parsed.ok()) return parsed.status();
    const absl::Time now = Now();
    return repository_.Transact(call.deadline, [&](PricingStore& store) -> absl::Status {
      absl::StatusOr<Row> row = LockLive(store, *parsed, name, etag, "etag");
      if (!row.ok()) return row.status();
      Resource updated = row->resource;
      *updated.mutable_delete_time() = common::ToProtoTimestamp(now);
      std::vector<crm::common::v1::FieldChange> changes =
          common::DiffMessages(row->resource, updated);
      return Store(store, call, *row, std::move(updated), std::move(changes),
                   crm::common::v1::AUDIT_ACTION_DELETE, now, out);
    });
  }

  absl::Status Undelete(const common::CallContext& call, std::string_view name,
                        std::string_view etag, Resource& out) {
    absl::StatusOr<PricingName> parsed = Traits::ParseName("name", name);
    if (!parsed.ok()) return parsed.status();
    const absl::Time now = Now();
    return repository_.Transact(call.deadline, [&](PricingStore& store) -> absl::Status {
      if constexpr (Traits::kHasParent) {
        if (absl::Status live = RequireLiveCustomer(store, parsed->parent_id); !live.ok()) {
          return live;
        }
      }
      absl::StatusOr<Row> row = FindNamed(store, *parsed, name, /*lock=*/true);
      if (!row.ok()) return row.status();
      if (!row->resource.has_delete_time()) {
        return absl::FailedPreconditionError(absl::StrFormat("%s is not deleted", name));
      }
      if (absl::Status fresh = common::CheckEtag(etag, row->version, name); !fresh.ok()) {
        return fresh;
      }
      Resource updated = row->resource;
      updated.clear_delete_time();
      // A row with the same key may have been created while this one was deleted.
      if (absl::Status free = CheckNoOverlap(store, parsed->parent_id, updated, row->id);
          !free.ok()) {
        return free;
      }
      std::vector<crm::common::v1::FieldChange> changes =
          common::DiffMessages(row->resource, updated);
      return Store(store, call, *row, std::move(updated), std::move(changes),
                   crm::common::v1::AUDIT_ACTION_UNDELETE, now, out);
    });
  }

 private:
  absl::Time Now() const { return absl::FromUnixMicros(absl::ToUnixMicros(clock_())); }

  // The row `name` names (deleted or not); NOT_FOUND when there is none (a
  // special price under another customer included).
  static absl::StatusOr<Row> FindNamed(PricingStore& store, const PricingName& parsed,
                                       std::string_view name, bool lock) {
    absl::StatusOr<std::optional<Row>> row = Traits::Table(store).Find(parsed.id, lock);
    if (!row.ok()) return row.status();
    if (!row->has_value() || (*row)->parent_id != parsed.parent_id) {
      return absl::NotFoundError(absl::StrFormat("%s does not exist", name));
    }
    return **std::move(row);
  }

  // The live row `name` names, locked, whose etag matches `etag` (when given).
  static absl::StatusOr<Row> LockLive(PricingStore& store, const PricingName& parsed,
                                      std::string_view name, std::string_view etag,
                                      std::string_view etag_field) {
    absl::StatusOr<Row> row = FindNamed(store, parsed, name, /*lock=*/true);
    if (!row.ok()) return row.status();
    if (row->resource.has_delete_time()) {
      return absl::FailedPreconditionError(
          absl::StrFormat("%s is deleted; undelete it before changing it", name));
    }
    if (absl::Status fresh = common::CheckEtag(etag, row->version, name, etag_field); !fresh.ok()) {
      return fresh;
    }
    return row;
  }

  static absl::Status CheckNoOverlap(PricingStore& store, int64_t parent_id,
                                     const Resource& resource, int64_t self_id) {
    absl::StatusOr<std::optional<Row>> other =
        Traits::Table(store).FindOverlapping(parent_id, resource, self_id);
    if (!other.ok()) return other.status();
    if (!other->has_value()) return absl::OkStatus();
    const Resource& existing = (*other)->resource;
    return absl::AlreadyExistsError(absl::StrFormat(
        "%s: validity %s overlaps %s (%s, valid %s); let one end before the other starts",
        Traits::kField, DescribePeriod(resource), existing.name(), Traits::DescribeKey(existing),
        DescribePeriod(existing)));
  }

  static absl::Status Audit(PricingStore& store, const common::CallContext& call,
                            std::string_view resource, crm::common::v1::AuditAction action,
                            std::vector<crm::common::v1::FieldChange> changes,
                            std::string_view request_id, absl::Time now) {
    return common::RecordAudit(store, call, resource, action, std::move(changes), now, "",
                               request_id);
  }

  // Writes `updated` over `row` with its audit entry; the stored row goes to `out`.
  static absl::Status Store(PricingStore& store, const common::CallContext& call, const Row& row,
                            Resource updated, std::vector<crm::common::v1::FieldChange> changes,
                            crm::common::v1::AuditAction action, absl::Time now, Resource& out) {
    *updated.mutable_update_time() = common::ToProtoTimestamp(now);
    absl::StatusOr<Row> result = Traits::Table(store).Update(row.id, updated, row.version);
    if (!result.ok()) return result.status();
    absl::Status audited =
        Audit(store, call, result->resource.name(), action, std::move(changes), "", now);
    if (!audited.ok()) return audited;
    out = std::move(result->resource);
    return absl::OkStatus();
  }

  static absl::Status ParseOrder(std::string_view order_by, PricingListQuery& query) {
    const std::vector<PricingOrderOption>& options = Traits::Orders();
    std::vector<std::string_view> names;
    for (const PricingOrderOption& option : options) names.push_back(option.name);
    absl::StatusOr<common::OrderBy> parsed = common::ParseOrderBy(order_by, names);
    if (!parsed.ok()) return parsed.status();
    query.order = options[parsed->field].order;
    query.descending = parsed->descending;
    return absl::OkStatus();
  }

  static std::string SortValue(const Resource& resource, PricingOrder order) {
    switch (order) {
      case PricingOrder::kTier:
        if constexpr (requires { resource.tier(); }) {
          return std::to_string(static_cast<int>(resource.tier()));
        }
        break;
      case PricingOrder::kValidFrom:
        return common::FormatIsoDate(common::FromDateMessage(resource.valid_from()));
      case PricingOrder::kValidUntil:
        return common::FormatIsoDate(resource.has_valid_until()
                                         ? common::FromDateMessage(resource.valid_until())
                                         : common::kMaxCalendarDate);
      case PricingOrder::kSku:
        break;
    }
    return resource.sku();
  }

  static absl::StatusOr<PricingCursor> ReadCursor(const common::PageCursor& cursor,
                                                  PricingOrder order) {
    const absl::Status invalid = absl::InvalidArgumentError("page_token: invalid or corrupted");
    PricingCursor after;
    if (cursor.keys.size() != 2 || !absl::SimpleAtoi(cursor.keys[1], &after.id)) return invalid;
    const std::string& value = cursor.keys[0];
    switch (order) {
      case PricingOrder::kTier: {
        int64_t tier = 0;
        if (!absl::SimpleAtoi(value, &tier)) return invalid;
        after.sort_value = tier;
        return after;
      }
      case PricingOrder::kValidFrom:
      case PricingOrder::kValidUntil:
        if (!common::ParseIsoDate(value).ok()) return invalid;
        break;
      case PricingOrder::kSku:
        break;
    }
    after.sort_value = value;
    return after;
  }

  PricingRepository& repository_;
  Clock clock_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_PRICING_CRUD_H_
