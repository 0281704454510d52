// Shared fixture of the contract and purchase order storage tests: a fresh
// TestDatabase schema with supplier_svc's migrations, the three services over
// their MySQL repositories and a controllable clock.
#ifndef CRM_TESTS_SUPPLIER_SVC_MYSQL_PROCUREMENT_TEST_FIXTURE_H_
#define CRM_TESTS_SUPPLIER_SVC_MYSQL_PROCUREMENT_TEST_FIXTURE_H_

#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/audit/audit_log.h"
#include "common/mysql/migrations.h"
#include "common/mysql/pool.h"
#include "crm/supplier/v1/audit_service.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "supplier_svc/domain/contract_service.h"
#include "supplier_svc/domain/purchase_order_service.h"
#include "supplier_svc/domain/supplier_service.h"
#include "supplier_svc/handlers/supplier_services.h"
#include "supplier_svc/repository/mysql_contract_repository.h"
#include "supplier_svc/repository/mysql_purchase_order_repository.h"
#include "supplier_svc/repository/mysql_supplier_repository.h"
#include "tests/supplier_svc/mysql/supplier_db_test.h"
#include "tests/support/test_database.h"

namespace crm::supplier {

inline crm::common::v1::Date MakeDate(int year, int month, int day) {
  crm::common::v1::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

inline crm::common::v1::Money Eur(int64_t minor) {
  crm::common::v1::Money money;
  money.set_amount_minor(minor);
  money.set_currency_code("EUR");
  return money;
}

inline std::string IdOf(const std::string& name) { return name.substr(name.find('/') + 1); }

class ProcurementMySqlTest : public SupplierDbTest {
 protected:
  ProcurementMySqlTest()
      : SupplierDbTest(
            absl::FromCivil(absl::CivilSecond(2024, 3, 1, 9, 0, 0), absl::UTCTimeZone())),
        supplier_repository_(pool_),
        contract_repository_(pool_),
        order_repository_(pool_),
        suppliers_(supplier_repository_, [this] { return now(); }),
        contracts_(contract_repository_, [this] { return now(); }),
        orders_(order_repository_, [this] { return now(); }) {}

  absl::Time now() const {
    absl::MutexLock lock(&clock_mutex_);
    return now_;
  }
  void Advance(absl::Duration by) {
    absl::MutexLock lock(&clock_mutex_);
    now_ += by;
  }

  // A supplier moved to `status` through the legal path.
  v1::Supplier MakeSupplier(const std::string& display_name,
                            v1::SupplierStatus status = v1::SUPPLIER_STATUS_ACTIVE) {
    v1::CreateSupplierRequest request;
    request.mutable_supplier()->set_display_name(display_name);
    request.mutable_supplier()->add_categories(v1::SUPPLIER_CATEGORY_COMPONENT);
    v1::CreateSupplierResponse response;
    EXPECT_THAT(suppliers_.CreateSupplier(call_, request, response), test_support::IsOk());
    v1::Supplier supplier = response.supplier();
    std::vector<v1::SupplierStatus> path;
    switch (status) {
      case v1::SUPPLIER_STATUS_ACTIVE:
        path = {v1::SUPPLIER_STATUS_ACTIVE};
        break;
      case v1::SUPPLIER_STATUS_PREFERRED:
        path = {v1::SUPPLIER_STATUS_ACTIVE, v1::SUPPLIER_STATUS_PREFERRED};
        break;
      case v1::SUPPLIER_STATUS_ON_HOLD:
        path = {v1::SUPPLIER_STATUS_ACTIVE, v1::SUPPLIER_STATUS_ON_HOLD};
        break;
      case v1::SUPPLIER_STATUS_TERMINATED:
        path = {v1::SUPPLIER_STATUS_TERMINATED};
        break;
      default:
        break;
    }
    for (v1::SupplierStatus to : path) supplier = ChangeStatus(supplier, to);
    return supplier;
  }

  v1::Supplier ChangeStatus(const v1::Supplier& supplier, v1::SupplierStatus to) {
    v1::ChangeSupplierStatusRequest change;
    change.set_name(supplier.name());
    change.set_status(to);
    change.set_reason("test");
    v1::ChangeSupplierStatusResponse changed;
    EXPECT_THAT(suppliers_.ChangeSupplierStatus(call_, change, changed), test_support::IsOk());
    return changed.supplier();
  }

  // A DRAFT contract for 2024 with lines (item, price in EUR cents, committed).
  v1::Contract ContractFor(const v1::Supplier& supplier,
                           std::vector<std::tuple<std::string, int64_t, int64_t>> lines) {
    v1::Contract contract;
    contract.set_supplier(supplier.name());
    contract.set_title("Fasteners 2024");
    *contract.mutable_start_date() = MakeDate(2024, 1, 1);
    *contract.mutable_end_date() = MakeDate(2024, 12, 31);
    for (const auto& [item, price, committed] : lines) {
      v1::ContractLine& line = *contract.add_lines();
      line.set_item(item);
      *line.mutable_unit_price() = Eur(price);
      line.set_committed_quantity(committed);
    }
    return contract;
  }

  absl::StatusOr<v1::Contract> CreateContract(const v1::Contract& contract,
                                              const std::string& request_id = "") {
    v1::CreateContractRequest request;
    *request.mutable_contract() = contract;
    request.set_request_id(request_id);
    v1::CreateContractResponse response;
    absl::Status status = contracts_.CreateContract(call_, request, response);
    if (!status.ok()) return status;
    return response.contract();
  }

  absl::StatusOr<v1::Contract> Activate(const v1::Contract& contract) {
    v1::ActivateContractRequest request;
    request.set_name(contract.name());
    v1::ActivateContractResponse response;
    absl::Status status = contracts_.ActivateContract(call_, request, response);
    if (!status.ok()) return status;
    return response.contract();
  }

  v1::Contract ActiveContract(const v1::Supplier& supplier,
                              std::vector<std::tuple<std::string, int64_t, int64_t>> lines) {
    absl::StatusOr<v1::Contract> draft = CreateContract(ContractFor(supplier, std::move(lines)));
    EXPECT_THAT(draft, test_support::IsOk());
    if (!draft.ok()) return {};
    absl::StatusOr<v1::Contract> active = Activate(*draft);
    EXPECT_THAT(active, test_support::IsOk());
    return active.value_or(v1::Contract());
  }

  absl::StatusOr<v1::Contract> GetContract(const std::string& name) {
    v1::GetContractRequest request;
    request.set_name(name);
    v1::GetContractResponse response;
    absl::Status status = contracts_.GetContract(call_, request, response);
    if (!status.ok()) return status;
    return response.contract();
  }

  // An order with lines (item, quantity[, price in EUR cents; 0 for none]).
  v1::PurchaseOrder OrderFor(const v1::Supplier& supplier,
                             std::vector<std::tuple<std::string, int64_t, int64_t>> lines,
                             const std::string& contract = "") {
    v1::PurchaseOrder order;
    order.set_supplier(supplier.name());
    order.set_contract(contract);
    for (const auto& [item, quantity, price] : lines) {
      v1::PurchaseOrderLine& line = *order.add_lines();
      line.set_item(item);
      line.set_quantity(quantity);
      if (price > 0) *line.mutable_unit_price() = Eur(price);
    }
    return order;
  }

  absl::StatusOr<v1::PurchaseOrder> Place(const v1::PurchaseOrder& order,
                                          const std::string& request_id = "") {
    v1::CreatePurchaseOrderRequest request;
    *request.mutable_purchase_order() = order;
    request.set_request_id(request_id);
    v1::CreatePurchaseOrderResponse response;
    absl::Status status = orders_.CreatePurchaseOrder(call_, request, response);
    if (!status.ok()) return status;
    return response.purchase_order();
  }

  absl::StatusOr<v1::PurchaseOrder> GetOrder(const std::string& name) {
    v1::GetPurchaseOrderRequest request;
    request.set_name(name);
    v1::GetPurchaseOrderResponse response;
    absl::Status status = orders_.GetPurchaseOrder(call_, request, response);
    if (!status.ok()) return status;
    return response.purchase_order();
  }

  absl::StatusOr<v1::PurchaseOrder> Confirm(const v1::PurchaseOrder& order,
                                            crm::common::v1::Date promised,
                                            const std::string& etag = "") {
    v1::ConfirmPurchaseOrderRequest request;
    request.set_name(order.name());
    *request.mutable_promised_delivery_date() = promised;
    request.set_etag(etag);
    v1::ConfirmPurchaseOrderResponse response;
    absl::Status status = orders_.ConfirmPurchaseOrder(call_, request, response);
    if (!status.ok()) return status;
    return response.purchase_order();
  }

  absl::StatusOr<v1::PurchaseOrder> Deliver(const v1::PurchaseOrder& order,
                                            crm::common::v1::Date actual, int64_t accepted,
                                            int64_t defective, int rating = 4) {
    v1::RecordPurchaseOrderDeliveryRequest request;
    request.set_name(order.name());
    *request.mutable_actual_delivery_date() = actual;
    request.mutable_quality_result()->set_accepted_quantity(accepted);
    request.mutable_quality_result()->set_defective_quantity(defective);
    request.mutable_quality_result()->set_notes("inspected");
    request.set_service_rating(rating);
    v1::RecordPurchaseOrderDeliveryResponse response;
    absl::Status status = orders_.RecordPurchaseOrderDelivery(call_, request, response);
    if (!status.ok()) return status;
    return response.purchase_order();
  }

  absl::StatusOr<v1::PurchaseOrder> Cancel(const v1::PurchaseOrder& order,
                                           const std::string& reason = "no longer needed") {
    v1::CancelPurchaseOrderRequest request;
    request.set_name(order.name());
    request.set_reason(reason);
    v1::CancelPurchaseOrderResponse response;
    absl::Status status = orders_.CancelPurchaseOrder(call_, request, response);
    if (!status.ok()) return status;
    return response.purchase_order();
  }

  int64_t Count(const std::string& query) {
    return test_support::QueryInt(pool_, query).value_or(-1);
  }

  // The audit actions of `resource`, newest first.
  std::vector<crm::common::v1::AuditAction> AuditActions(const std::string& resource) {
    v1::ListAuditEntriesRequest request;
    request.set_resource(resource);
    v1::ListAuditEntriesResponse response;
    EXPECT_THAT(common::ListAuditEntries(pool_, call_, request, response,
                                         {"suppliers", "offerings", "contracts", "purchaseOrders"}),
                test_support::IsOk());
    std::vector<crm::common::v1::AuditAction> actions;
    for (const auto& entry : response.audit_entries()) actions.push_back(entry.action());
    return actions;
  }

  MySqlSupplierRepository supplier_repository_;
  MySqlContractRepository contract_repository_;
  MySqlPurchaseOrderRepository order_repository_;
  mutable absl::Mutex clock_mutex_;  // guards now_
  SupplierService suppliers_;
  ContractService contracts_;
  PurchaseOrderService orders_;
};

}  // namespace crm::supplier

#endif  // CRM_TESTS_SUPPLIER_SVC_MYSQL_PROCUREMENT_TEST_FIXTURE_H_
