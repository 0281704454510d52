#include "supplier_svc/repository/procurement_rows.h"

#include "absl/strings/str_cat.h"
#include "common/api/calendar_date.h"
#include "common/api/etag.h"
#include "common/api/resource_name.h"

namespace crm::supplier {

absl::StatusOr<bool> ReadDateColumn(const sql::ResultSet& row, const std::string& column,
                                    crm::common::v1::Date* date) {
  if (row.isNull(column)) return false;
  absl::StatusOr<common::CalendarDate> parsed =
      common::ParseIsoDate(common::ReadString(row, column));
  if (!parsed.ok()) return absl::InternalError(absl::StrCat("stored ", column, " is unreadable"));
  common::ToDateMessage(*parsed, date);
  return true;
}

common::SqlValue SqlDate(const crm::common::v1::Date& date, bool present) {
  if (!present) return common::SqlNull{};
  return common::FormatIsoDate(common::FromDateMessage(date));
}

absl::StatusOr<v1::Offering> ReadOfferingRow(const sql::ResultSet& row) {
  v1::Offering offering;
  const int64_t id = row.getInt64("id");
  offering.set_name(common::FormatResourceName("offerings", id));
  offering.set_supplier(common::FormatResourceName("suppliers", row.getInt64("supplier_id")));
  if (!row.isNull("original_supplier_id")) {
    offering.set_original_supplier(
        common::FormatResourceName("suppliers", row.getInt64("original_supplier_id")));
  }
  offering.set_item(common::ReadString(row, "item"));
  offering.set_supplier_item_code(common::ReadString(row, "supplier_item_code"));
  offering.set_description(common::ReadString(row, "description"));
  offering.mutable_unit_price()->set_amount_minor(row.getInt64("unit_price_minor"));
  offering.mutable_unit_price()->set_currency_code(common::ReadString(row, "currency"));
  offering.set_minimum_quantity(row.getInt64("minimum_quantity"));
  offering.set_lead_time_days(row.getInt("lead_time_days"));
  for (const auto& [column, field] :
       std::initializer_list<std::pair<std::string, crm::common::v1::Date* (v1::Offering::*)()>>{
           {"valid_from", &v1::Offering::mutable_valid_from},
           {"valid_until", &v1::Offering::mutable_valid_until}}) {
    crm::common::v1::Date date;
    absl::StatusOr<bool> read = ReadDateColumn(row, column, &date);
    if (!read.ok()) return read.status();
    if (*read) *(offering.*field)() = date;
  }
  if (!row.isNull("contract_id")) {
    offering.set_contract(common::FormatResourceName("contracts", row.getInt64("contract_id")));
  }
  offering.set_etag(common::FormatEtag(row.getInt64("version")));
  absl::StatusOr<google::protobuf::Timestamp> created = common::ReadTimestamp(row, "create_time");
  if (!created.ok()) return created.status();
  *offering.mutable_create_time() = *created;
  absl::StatusOr<google::protobuf::Timestamp> updated = common::ReadTimestamp(row, "update_time");
  if (!updated.ok()) return updated.status();
  *offering.mutable_update_time() = *updated;
  absl::StatusOr<std::optional<google::protobuf::Timestamp>> deleted =
      common::ReadOptionalTimestamp(row, "delete_time");
  if (!deleted.ok()) return deleted.status();
  if (deleted->has_value()) *offering.mutable_delete_time() = **deleted;
  return offering;
}

}  // namespace crm::supplier
