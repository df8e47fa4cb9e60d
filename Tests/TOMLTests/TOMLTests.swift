import Testing

@testable import TOML

/// The TOML 1.0 reader against the specification's own examples and its rules on what is invalid.
@Suite struct TOMLTests {
    @Test func theSpecificationsExampleDocumentReads() throws {
        let doc = try TOML.parse(
            """
            # This is a TOML document

            title = "TOML Example"

            [owner]
            name = "Tom Preston-Werner"
            dob = 1979-05-27T07:32:00-08:00

            [database]
            enabled = true
            ports = [ 8000, 8001, 8002 ]
            data = [ ["delta", "phi"], [3.14] ]
            temp_targets = { cpu = 79.5, case = 72.0 }

            [servers]

            [servers.alpha]
            ip = "10.0.0.1"
            role = "frontend"

            [servers.beta]
            ip = "10.0.0.2"
            role = "backend"
            """)
        #expect(doc.keys == ["title", "owner", "database", "servers"])
        #expect(doc["owner"]?.table?["dob"] == .dateTime("1979-05-27T07:32:00-08:00"))
        let database = try #require(doc["database"]?.table)
        #expect(database["ports"] == .array([.integer(8000), .integer(8001), .integer(8002)]))
        #expect(database["data"]?.array?[1] == .array([.float(3.14)]))
        #expect(database["temp_targets"]?.table?["case"]?.double == 72)
        #expect(doc["servers"]?.table?["beta"]?.table?["role"]?.string == "backend")
    }

    @Test func keysBareQuotedAndDotted() throws {
        let doc = try TOML.parse(
            """
            bare_key-1 = 1
            "127.0.0.1" = "quoted"
            'key2' = "literal"
            physical.color = "orange"
            physical . shape = "round"
            site."google.com" = true
            [fruit]
            apple.color = "red"
            apple.taste.sweet = true
            [fruit.apple.texture]
            smooth = true
            """)
        #expect(doc["127.0.0.1"]?.string == "quoted")
        #expect(doc["physical"]?.table?["shape"]?.string == "round")
        #expect(doc["site"]?.table?["google.com"]?.bool == true)
        let apple = try #require(doc["fruit"]?.table?["apple"]?.table)
        #expect(apple["taste"]?.table?["sweet"] == .boolean(true))
        #expect(apple["texture"]?.table?["smooth"] == .boolean(true))
    }

    @Test func everyNumberForm() throws {
        let doc = try TOML.parse(
            """
            a = +99
            b = -17
            c = 1_000_000
            d = 0xDEAD_beef
            e = 0o755
            f = 0b1101_0110
            g = -0
            h = 9223372036854775807
            i = 6.626e-34
            j = 5e+22
            k = -2E-2
            l = 224_617.445_991
            m = inf
            n = -inf
            o = +nan
            """)
        let ints: [String: Int64] = [
            "a": 99, "b": -17, "c": 1_000_000, "d": 0xDEAD_BEEF, "e": 0o755, "f": 0b1101_0110, "g": 0, "h": .max,
        ]
        for (key, value) in ints { #expect(doc[key] == .integer(value), "\(key)") }
        #expect(doc["i"] == .float(6.626e-34) && doc["j"] == .float(5e22) && doc["k"] == .float(-0.02))
        #expect(doc["l"] == .float(224_617.445_991))
        #expect(doc["m"] == .float(.infinity) && doc["n"] == .float(-.infinity))
        #expect(doc["o"]?.double?.isNaN == true)
    }

    @Test func everyStringForm() throws {
        let doc = try TOML.parse(
            "a = \"tab\\there \\\"quoted\\\" \\u00E9 \\U0001F600\"\n"
                + "b = 'C:\\Users\\nodejs'\n"
                + "c = \"\"\"\nRoses are red\r\nViolets are blue\"\"\"\n"
                + "d = \"\"\"\nThe quick brown \\\n\n   fox.\"\"\"\n"
                + "e = '''\nfirst line\nis kept'''\n"
                + "f = \"\"\"Here are two quotes: \"\". Fine.\"\"\"\"\"\n"
                + "g = ''''That,' she said.''''\n")
        #expect(doc["a"]?.string == "tab\there \"quoted\" é 😀")
        #expect(doc["b"]?.string == "C:\\Users\\nodejs")
        #expect(doc["c"]?.string == "Roses are red\nViolets are blue")
        #expect(doc["d"]?.string == "The quick brown fox.")
        #expect(doc["e"]?.string == "first line\nis kept")
        #expect(doc["f"]?.string == "Here are two quotes: \"\". Fine.\"\"")
        #expect(doc["g"]?.string == "'That,' she said.'")
    }

    @Test func datesAndTimes() throws {
        let doc = try TOML.parse(
            """
            odt = 1979-05-27T00:32:00.999999-07:00
            utc = 1979-05-27 07:32:00Z
            ldt = 1979-05-27T07:32:00
            ld = 1979-05-27
            lt = 00:32:00.999999
            """)
        #expect(doc["utc"] == .dateTime("1979-05-27 07:32:00Z"))
        #expect(doc.keys.allSatisfy { doc[$0].map { if case .dateTime = $0 { true } else { false } } == true })
    }

    @Test func arraysOfTablesAndTheirSubTables() throws {
        let doc = try TOML.parse(
            """
            [[fruits]]
            name = "apple"
            [fruits.physical]
            color = "red"
            [[fruits.varieties]]
            name = "red delicious"
            [[fruits.varieties]]
            name = "granny smith"

            [[fruits]]
            name = "banana"
            points = [ { x = 1, y = 2 },
                       { x = 7, y = 8 },  # a comment and a trailing comma
            ]
            """)
        let fruits = try #require(doc["fruits"]?.array)
        #expect(fruits.count == 2)
        #expect(fruits[0].table?["varieties"]?.array?.count == 2)
        #expect(fruits[0].table?["physical"]?.table?["color"]?.string == "red")
        #expect(fruits[1].table?["points"]?.array?[1].table?["y"]?.int == 8)
    }

    @Test func invalidDocumentsSayWhereAndWhy() {
        let cases: [(String, String)] = [
            ("a = 1\na = 2", "defined twice"),
            ("[a]\n[a]", "defined twice"),
            ("[a]\nb = 1\n[a.b]", "already a value"),
            ("a.b.c = 1\n[a.b]", "dotted keys"),
            ("[a.b]\nc = 1\n[a]\nb.d = 2", "dotted keys cannot add"),
            ("a = { b = 1 }\na.c = 2", "dotted keys cannot add"),
            ("[[a]]\n[a]", "array of tables"),
            ("a = [1]\n[[a]]", "already a value"),
            ("a = 01", "not a TOML value"),
            ("a = 1__0", "not a TOML value"),
            ("a = _1", "not a TOML value"),
            ("a = 1.", "not a TOML value"),
            ("a = .5", "not a TOML value"),
            ("a = 9223372036854775808", "not a TOML value"),
            ("a = 1979-13-01", "not a TOML value"),
            ("a = \"unclosed", "not closed"),
            ("a = \"bad \\q escape\"", "unknown escape"),
            ("a = \"\\uD800\"", "Unicode scalar"),
            ("a = \"tab\u{0}\"", "control character"),
            ("a = { b = 1, }", "expected a key"),
            ("a = { b = 1\n}", "expected ',' or '}'"),
            ("a = [1 2]", "expected ',' or ']'"),
            ("a = 1 b = 2", "end of the line"),
            ("a", "expected '='"),
            ("= 1", "expected a key"),
            ("[a", "ends with ]"),
            ("a = tru", "not a TOML value"),
            ("a = 1 # bell \u{7}", "control character in a comment"),
            ("x = " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100), "nest at most"),
        ]
        for (text, reason) in cases {
            #expect {
                _ = try TOML.parse(text)
            } throws: { error in
                guard let e = error as? TOMLError else { return false }
                return e.reason.contains(reason) && e.line >= 1 && e.column >= 1
            }
        }
    }

    @Test func errorsPointAtTheLineAndColumn() {
        #expect {
            _ = try TOML.parse("a = 1\n# 광주\nb = \"ok\"\nc = nope\n")
        } throws: { ($0 as? TOMLError) == TOMLError(line: 4, column: 5, reason: "'nope' is not a TOML value") }
    }
}
