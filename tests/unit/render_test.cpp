#define BOOST_TEST_MODULE render
#include <boost/test/unit_test.hpp>
