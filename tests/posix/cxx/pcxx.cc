// C++ on the POSIX layer: NetBSD's libc++ and libunwind as Rumprun's build makes them. Static
// constructors and destructors, exceptions and unwinding, threads and their synchronisation,
// the containers, streams and clocks. Prints "N passed, N failed"; exit status 0 only if none
// failed. The last line, from a static destructor, says it ran after main.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <typeinfo>
#include <unordered_map>
#include <vector>

static unsigned passed, failed;

static void check(bool ok, const char *what)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        std::printf("FAILED: %s\n", what);
    }
}
#define CHECK(cond) check((cond), #cond)

static int constructed;
struct Global {
    Global() { constructed = 42; }
    ~Global() { std::printf("static destructor ran\n"); }
} global;

struct Counted {
    static int live;
    Counted() { live++; }
    ~Counted() { live--; }
};
int Counted::live;

struct Base {
    virtual ~Base() {}
};
struct Derived : Base {
    int value = 7;
};

static void thrower(int depth)
{
    Counted guard;
    if (depth == 0) {
        throw std::out_of_range("deep");
    }
    thrower(depth - 1);
}

static void exceptions()
{
    bool caught = false;
    try {
        thrower(10);
    } catch (const std::logic_error &e) {
        caught = std::string(e.what()) == "deep";
    }
    CHECK(caught);
    CHECK(Counted::live == 0); // every frame's destructor ran during unwinding
    int rethrown = 0;
    try {
        try {
            throw 5;
        } catch (int v) {
            rethrown = v;
            throw;
        }
    } catch (int v) {
        rethrown += v;
    }
    CHECK(rethrown == 10);
    try {
        std::vector<int> v(3);
        (void)v.at(7);
        CHECK(false);
    } catch (const std::out_of_range &) {
        CHECK(true);
    }
}

static void threads()
{
    std::mutex m;
    std::condition_variable cv;
    int ready = 0;
    std::atomic<long> sum(0);
    std::vector<std::thread> pool;
    for (int i = 1; i <= 8; i++) {
        pool.emplace_back([&, i] {
            sum += i;
            std::lock_guard<std::mutex> lock(m);
            ready++;
            cv.notify_one();
        });
    }
    {
        std::unique_lock<std::mutex> lock(m);
        CHECK(cv.wait_for(lock, std::chrono::seconds(5), [&] { return ready == 8; }));
    }
    for (auto &t : pool) {
        t.join();
    }
    CHECK(sum == 36);
    std::thread::id main_id = std::this_thread::get_id(), other;
    std::thread([&] { other = std::this_thread::get_id(); }).join();
    CHECK(other != main_id);
}

static void library()
{
    std::map<std::string, int> m{{"b", 2}, {"a", 1}};
    CHECK(m.begin()->first == "a");
    std::unordered_map<int, std::string> u;
    for (int i = 0; i < 1000; i++) {
        u[i] = std::to_string(i);
    }
    CHECK(u.size() == 1000 && u[999] == "999");
    std::ostringstream os;
    os << "x=" << 42 << ' ' << 2.5;
    CHECK(os.str() == "x=42 2.5");
    auto shared = std::make_shared<Derived>();
    std::unique_ptr<Base> owned(new Derived);
    CHECK(shared.use_count() == 1 && dynamic_cast<Derived *>(owned.get())->value == 7);
    CHECK(typeid(*owned) == typeid(Derived));
    {
        std::ofstream out("/tmp/pcxx.txt");
        out << "line one\nline two\n";
    }
    std::ifstream in("/tmp/pcxx.txt");
    std::string first, second;
    std::getline(in, first);
    std::getline(in, second);
    CHECK(first == "line one" && second == "line two");
    auto t0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - t0)
                  .count();
    CHECK(ms >= 50 && ms < 1000);
    std::cout << "iostream works" << std::endl;
    CHECK(std::cout.good());
}

int main()
{
    CHECK(constructed == 42);
    exceptions();
    threads();
    library();
    std::printf("%u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
