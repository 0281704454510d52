// Test data for the scorecard and consolidation storage tests: suppliers are
// created through SupplierService, procurement documents are inserted with
// plain SQL so every figure of a test is known by hand.
#ifndef CRM_TESTS_SUPPLIER_SVC_MYSQL_PROCUREMENT_TEST_DATA_H_
#define CRM_TESTS_SUPPLIER_SVC_MYSQL_PROCUREMENT_TEST_DATA_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/api/resource_name.h"
#include "common/mysql/pool.h"
#include "crm/supplier/v1/purchase_order.pb.h"
#include "gtest/gtest.h"
#include "supplier_svc/domain/supplier_service.h"
#include "tests/support/test_database.h"

namespace crm::supplier::test_data {

struct Line {
  std::string item;
  int64_t quantity = 0;
  int64_t unit_price_minor = 0;
};

struct Delivery {
  std::string actual_date;  // YYYY-MM-DD
  bool on_time = false;
  int64_t accepted = 0;
  int64_t defective = 0;
  int rating = 0;
};

class ProcurementData {
 public:
  ProcurementData(common::MySqlPool& pool, SupplierService& suppliers,
                  const common::CallContext& call)
      : pool_(pool), suppliers_(suppliers), call_(call) {}

  // An ACTIVE supplier of `category`; returns its id.
  int64_t Supplier(const std::string& display_name, v1::SupplierCategory category,
                   const std::string& relationship_start = "") {
    v1::CreateSupplierRequest create;
    create.mutable_supplier()->set_display_name(display_name);
    create.mutable_supplier()->add_categories(category);
    if (!relationship_start.empty()) {
      int y = 0, m = 0, d = 0;
      sscanf(relationship_start.c_str(), "%d-%d-%d", &y, &m, &d);
      create.mutable_supplier()->mutable_relationship_start_date()->set_year(y);
      create.mutable_supplier()->mutable_relationship_start_date()->set_month(m);
      create.mutable_supplier()->mutable_relationship_start_date()->set_day(d);
    }
    v1::CreateSupplierResponse created;
    absl::Status status = suppliers_.CreateSupplier(call_, create, created);
    EXPECT_TRUE(status.ok()) << status;
    v1::ChangeSupplierStatusRequest activate;
    activate.set_name(created.supplier().name());
    activate.set_status(v1::SUPPLIER_STATUS_ACTIVE);
    activate.set_reason("qualified");
    v1::ChangeSupplierStatusResponse activated;
    status = suppliers_.ChangeSupplierStatus(call_, activate, activated);
    EXPECT_TRUE(status.ok()) << status;
    return *common::ParseResourceId("name", created.supplier().name(), "suppliers");
  }

  // A purchase order placed and entered on day `created` (YYYY-MM-DD) with its
  // lines (total = sum of line amounts); returns its id.
  int64_t Order(int64_t supplier_id, v1::PurchaseOrderStatus status, const std::string& created,
                const std::vector<Line>& lines, const Delivery& delivery = {},
                const std::string& currency = "EUR") {
    const std::string number = absl::StrCat("PO-", ++po_counter_);
    int64_t total = 0;
    for (const Line& line : lines) total += line.quantity * line.unit_price_minor;
    const bool delivered = !delivery.actual_date.empty();
    Exec(absl::StrFormat(
        "INSERT INTO purchase_orders (po_number, supplier_id, status, total_currency,"
        " total_minor, promised_delivery_date, actual_delivery_date, on_time_delivery,"
        " accepted_quantity, defective_quantity, quality_notes, service_rating, cancel_reason,"
        " version, order_date, create_time, update_time) VALUES ('%s', %d, %d, '%s', %d, %s, %s,"
        " %d, %s, %s, '', %d, '', 1, '%s', '%s 08:00:00', '%s 08:00:00')",
        number, supplier_id, static_cast<int>(status), currency, total,
        delivered ? absl::StrCat("'", delivery.actual_date, "'") : "NULL",
        delivered ? absl::StrCat("'", delivery.actual_date, "'") : "NULL", delivery.on_time ? 1 : 0,
        delivered ? absl::StrCat(delivery.accepted) : "NULL",
        delivered ? absl::StrCat(delivery.defective) : "NULL", delivery.rating, created, created,
        created));
    const int64_t id = Int(absl::StrCat("SELECT id FROM purchase_orders WHERE po_number = '",
                                        number, "'"));
    for (size_t i = 0; i < lines.size(); ++i) {
      Exec(absl::StrFormat(
          "INSERT INTO purchase_order_lines (purchase_order_id, line_number, item,"
          " supplier_item_code, description, quantity, unit_price_minor, amount_minor) VALUES"
          " (%d, %d, '%s', '', '', %d, %d, %d)",
          id, i + 1, lines[i].item, lines[i].quantity, lines[i].unit_price_minor,
          lines[i].quantity * lines[i].unit_price_minor));
    }
    return id;
  }

  // A live (or deleted) offering; returns its id.
  int64_t Offering(int64_t supplier_id, const std::string& item, int64_t unit_price_minor,
                   bool deleted = false, const std::string& currency = "EUR") {
    Exec(absl::StrFormat(
        "INSERT INTO offerings (supplier_id, item, supplier_item_code, description,"
        " unit_price_minor, currency, minimum_quantity, lead_time_days, version, create_time,"
        " update_time, delete_time) VALUES (%d, '%s', 'code-%s', '', %d, '%s', 1, 5, 1,"
        " '2024-01-01 00:00:00', '2024-01-01 00:00:00', %s)",
        supplier_id, item, item, unit_price_minor, currency,
        deleted ? "'2024-02-01 00:00:00'" : "NULL"));
    return Int("SELECT MAX(id) FROM offerings");
  }

  // A contract in `state` (v1::ContractState number); returns its id.
  int64_t Contract(int64_t supplier_id, int state) {
    const std::string number = absl::StrCat("C-", ++contract_counter_);
    Exec(absl::StrFormat(
        "INSERT INTO contracts (contract_number, supplier_id, title, start_date, end_date,"
        " state, currency, committed_minor, ordered_minor, termination_reason, version,"
        " create_time, update_time) VALUES ('%s', %d, 'Blanket', '2024-01-01', '2025-12-31', %d,"
        " 'EUR', 100000, 0, '', 1, '2024-01-01 00:00:00', '2024-01-01 00:00:00')",
        number, supplier_id, state));
    return Int(absl::StrCat("SELECT id FROM contracts WHERE contract_number = '", number, "'"));
  }

  void Exec(const std::string& statement) {
    absl::Status status = test_support::ExecuteSql(pool_, statement);
    EXPECT_TRUE(status.ok()) << status << " in " << statement;
  }

  int64_t Int(const std::string& query) {
    absl::StatusOr<int64_t> value = test_support::QueryInt(pool_, query);
    EXPECT_TRUE(value.ok()) << value.status() << " in " << query;
    return value.ok() ? *value : -1;
  }

 private:
  common::MySqlPool& pool_;
  SupplierService& suppliers_;
  const common::CallContext& call_;
  int po_counter_ = 0;
  int contract_counter_ = 0;
};

inline std::string SupplierName(int64_t id) { return common::FormatResourceName("suppliers", id); }

}  // namespace crm::supplier::test_data

#endif  // CRM_TESTS_SUPPLIER_SVC_MYSQL_PROCUREMENT_TEST_DATA_H_
