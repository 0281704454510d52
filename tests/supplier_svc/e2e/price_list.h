#ifndef CRM_TESTS_SUPPLIER_SVC_E2E_PRICE_LIST_H_
#define CRM_TESTS_SUPPLIER_SVC_E2E_PRICE_LIST_H_

#include <cstdint>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/mysql/pool.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/test_database.h"

namespace crm::supplier::e2e_support {

// The id of a "suppliers/{id}" name (a malformed name fails the test).
inline int64_t SupplierId(const std::string& supplier) {
  int64_t id = 0;
  EXPECT_TRUE(absl::SimpleAtoi(supplier.substr(supplier.find('/') + 1), &id)) << supplier;
  return id;
}

// `items` live offerings of ITEM-00001... at `price` EUR minor units for
// `supplier`, written in one statement into the service's schema (thousands
// of CreateOffering calls would only slow the test down).
inline void PriceList(common::MySqlPool& pool, const std::string& supplier, int items,
                      int64_t price) {
  EXPECT_THAT(::crm::test_support::ExecuteSql(
                  pool, absl::StrCat("INSERT INTO offerings (supplier_id, item,"
                                     " supplier_item_code, description, unit_price_minor,"
                                     " currency, minimum_quantity, lead_time_days, version,"
                                     " create_time, update_time) SELECT ",
                                     SupplierId(supplier),
                                     ", CONCAT('ITEM-', LPAD(seq, 5, '0')),"
                                     " CONCAT('S', seq), '', ",
                                     price, ", 'EUR', 1, 5, 1, NOW(6), NOW(6) FROM seq_1_to_",
                                     items)),
              ::crm::test_support::IsOk());
}

}  // namespace crm::supplier::e2e_support

#endif  // CRM_TESTS_SUPPLIER_SVC_E2E_PRICE_LIST_H_
