#ifndef CRM_SUPPLIER_SVC_REPOSITORY_PROCUREMENT_ROWS_H_
#define CRM_SUPPLIER_SVC_REPOSITORY_PROCUREMENT_ROWS_H_

// Row mapping shared by the contract and purchase order repositories.

#include <cppconn/resultset.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/mysql/sql_query.h"
#include "crm/common/v1/date.pb.h"
#include "crm/supplier/v1/offering.pb.h"

namespace crm::supplier {

// Columns of `offerings o` that ReadOfferingRow reads.
inline constexpr char kOfferingRowColumns[] =
    "o.id, o.supplier_id, o.original_supplier_id, o.item, o.supplier_item_code, o.description, "
    "o.unit_price_minor, o.currency, o.minimum_quantity, o.lead_time_days, o.valid_from, "
    "o.valid_until, o.contract_id, o.version, o.create_time, o.update_time, o.delete_time";

absl::StatusOr<v1::Offering> ReadOfferingRow(const sql::ResultSet& row);

// A DATE column into `date`; SQL NULL leaves it unset (returns false).
absl::StatusOr<bool> ReadDateColumn(const sql::ResultSet& row, const std::string& column,
                                    crm::common::v1::Date* date);

// The placeholder value of a date: "YYYY-MM-DD", or NULL when unset.
common::SqlValue SqlDate(const crm::common::v1::Date& date, bool present);

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_REPOSITORY_PROCUREMENT_ROWS_H_
