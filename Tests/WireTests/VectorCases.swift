import Wire
import WorldModel

/// The protocol test vectors: each message, its name and a JSON form for other implementations.
///
/// The bytes live in `Tests/Fixtures/protocol/<name>.json`; the browser client checks the same files.
enum VectorCases {
    static let appearance = Appearance(
        bodyShape: .broad, skinColor: 0xE0B89A, primaryColor: 0x3A6EA5, secondaryColor: 0x112233, accessory: .hat)

    static var client: [(name: String, message: ClientMessage, json: [String: Any])] {
        [
            (
                "client-hello", .hello(version: 1, token: "tok_abc"),
                ["type": "hello", "version": 1, "token": "tok_abc"]
            ),
            ("client-hello-guest", .hello(version: 1, token: ""), ["type": "hello", "version": 1, "token": ""]),
            (
                "client-join", .join(space: "gwangju/gmap", personaId: 42),
                ["type": "join", "space": "gwangju/gmap", "personaId": 42]
            ),
            (
                "client-join-guest", .joinGuest(space: "gwangju/acc-plaza", name: "빛고을", appearance: appearance),
                ["type": "joinGuest", "space": "gwangju/acc-plaza", "name": "빛고을", "appearance": appearanceJSON]
            ),
            (
                "client-move", .move(MoveIntent(seq: 7, x: 12.5, y: -3.25, z: 0, heading: 1.5, animation: .run)),
                ["type": "move", "seq": 7, "x": 12.5, "y": -3.25, "z": 0.0, "heading": 1.5, "animation": 2]
            ),
            (
                "client-chat", .chat(scope: .proximity, text: "안녕하세요, 광주!"),
                ["type": "chat", "scope": 0, "text": "안녕하세요, 광주!"]
            ),
            (
                "client-teleport-portal", .teleportPortal(portalId: "to-gmap"),
                ["type": "teleportPortal", "portalId": "to-gmap"]
            ),
            (
                "client-teleport-space", .teleportSpace(space: "gwangju/biennale"),
                ["type": "teleportSpace", "space": "gwangju/biennale"]
            ),
            ("client-presence", .presenceRequest, ["type": "presenceRequest"]),
            (
                "client-ping", .ping(clientTimeMs: 1_700_000_000_000.5),
                ["type": "ping", "clientTimeMs": 1_700_000_000_000.5]
            ),
            ("client-leave", .leave, ["type": "leave"]),
            ("client-set-boundary", .setBoundary(.everyone), ["type": "setBoundary", "mode": 1]),
            (
                "client-relate", .relate(action: .block, entityId: 11),
                ["type": "relate", "action": 3, "entityId": 11]
            ),
            (
                "client-report", .report(entityId: 11, category: 1, block: true, note: "협박했어요"),
                ["type": "report", "entityId": 11, "category": 1, "block": true, "note": "협박했어요"]
            ),
            ("client-tour", .tour(action: .join, entityId: 9), ["type": "tour", "action": 2, "entityId": 9]),
            ("client-tour-stop", .tourStop(artwork: "T07303"), ["type": "tourStop", "artwork": "T07303"]),
            (
                "client-handoff", .handoff(version: 1, ticket: ticket),
                ["type": "handoff", "version": 1, "ticket": ticket]
            ),
            (
                "client-visit", .visit(version: 1, ticket: ticket),
                ["type": "visit", "version": 1, "ticket": ticket]
            ),
            (
                "client-layer", .layer(proposal: "yeouido-tower", version: 2),
                ["type": "layer", "proposal": "yeouido-tower", "version": 2]
            ),
            ("client-layer-today", .layer(proposal: "", version: 0), ["type": "layer", "proposal": "", "version": 0]),
        ]
    }

    static let quantizer = Quantizer(originX: -160, originY: -140, originZ: 0, quantumM: 0.01)

    static var server: [(name: String, message: ServerMessage, json: [String: Any])] {
        [
            (
                "server-welcome", .welcome(version: 1, tickHz: 20, guest: true),
                ["type": "welcome", "version": 1, "tickHz": 20, "guest": true]
            ),
            (
                "server-joined",
                .joined(
                    JoinedInfo(
                        space: "gwangju/acc-plaza", entityId: 9, quantizer: quantizer, x: 1.5, y: -15, z: 0,
                        heading: 1.5,
                        aoiRadiusM: 60, aoiMax: 64)),
                [
                    "type": "joined", "space": "gwangju/acc-plaza", "entityId": 9, "originX": -160.0, "originY": -140.0,
                    "originZ": 0.0, "quantumM": Double(Float(0.01)), "x": 1.5, "y": -15.0, "z": 0.0, "heading": 1.5,
                    "aoiRadiusM": 60.0, "aoiMax": 64,
                ]
            ),
            (
                "server-snapshot",
                .snapshot(
                    Snapshot(
                        tick: 1234, ackSeq: 7, flags: Snapshot.flagReset, selfX: 1.5, selfY: -15, selfZ: 0,
                        selfHeading: 0.5,
                        leaves: [3],
                        enters: [
                            EntityEnter(
                                id: 11, flags: EntityEnter.flagGuest, x: 16150, y: 12500, z: 0, heading: 16384,
                                animation: 1,
                                appearance: appearance, name: "Duri")
                        ],
                        updates: [
                            EntityUpdate(id: 12, mask: EntityUpdate.maskPosition, x: 100, y: 200, z: 0),
                            EntityUpdate(
                                id: 13, mask: EntityUpdate.maskHeading | EntityUpdate.maskAnimation, heading: 32768,
                                animation: 2),
                        ])),
                [
                    "type": "snapshot", "tick": 1234, "ackSeq": 7, "flags": 1, "selfX": 1.5, "selfY": -15.0,
                    "selfZ": 0.0,
                    "selfHeading": 0.5, "leaves": [3],
                    "enters": [
                        [
                            "id": 11, "flags": 1, "x": 16150, "y": 12500, "z": 0, "heading": 16384, "animation": 1,
                            "appearance": appearanceJSON, "name": "Duri",
                        ]
                    ],
                    "updates": [
                        ["id": 12, "mask": 1, "x": 100, "y": 200, "z": 0],
                        ["id": 13, "mask": 6, "heading": 32768, "animation": 2],
                    ],
                ]
            ),
            (
                "server-chat", .chat(ChatEvent(fromEntity: 11, scope: .space, name: "Duri", text: "5·18 민주광장에서 만나요")),
                ["type": "chat", "fromEntity": 11, "scope": 1, "name": "Duri", "text": "5·18 민주광장에서 만나요"]
            ),
            (
                "server-presence",
                .presence(
                    total: 2,
                    entries: [
                        PresenceEntry(entityId: 9, name: "Hana", flags: 0),
                        PresenceEntry(entityId: 11, name: "Duri", flags: 1),
                    ]),
                [
                    "type": "presence", "total": 2,
                    "entries": [
                        ["entityId": 9, "name": "Hana", "flags": 0], ["entityId": 11, "name": "Duri", "flags": 1],
                    ],
                ]
            ),
            (
                "server-error", .error(code: .spaceFull, message: "'gwangju/gmap' is full"),
                ["type": "error", "code": 5, "message": "'gwangju/gmap' is full"]
            ),
            (
                "server-pong", .pong(clientTimeMs: 1000.25, serverTimeMs: 1005.5),
                ["type": "pong", "clientTimeMs": 1000.25, "serverTimeMs": 1005.5]
            ),
            ("server-left", .left(reason: .teleported), ["type": "left", "reason": 1]),
            (
                "server-notice", .notice(kind: .friendRequest, entityId: 9, text: "Hana would like to be friends"),
                ["type": "notice", "kind": 3, "entityId": 9, "text": "Hana would like to be friends"]
            ),
            ("server-left-moved", .left(reason: .moved), ["type": "left", "reason": 4]),
            (
                "server-redirect",
                .redirect(url: "wss://node2.bitgoeul.example/api/v1/connect", ticket: ticket, space: "gwangju/gmap"),
                [
                    "type": "redirect", "url": "wss://node2.bitgoeul.example/api/v1/connect", "ticket": ticket,
                    "space": "gwangju/gmap",
                ]
            ),
            (
                "server-travel", .travel(city: "daegu.example", space: "daegu/kim-kwangseok-street"),
                ["type": "travel", "city": "daegu.example", "space": "daegu/kim-kwangseok-street"]
            ),
            (
                "server-layer", .layer(proposal: "yeouido-tower", version: 2),
                ["type": "layer", "proposal": "yeouido-tower", "version": 2]
            ),
            (
                "server-visiting",
                .visiting(home: "gwangju.example", homeName: "광주 Gwangju", homeUrl: "https://gwangju.example"),
                [
                    "type": "visiting", "home": "gwangju.example", "homeName": "광주 Gwangju",
                    "homeUrl": "https://gwangju.example",
                ]
            ),
            (
                "server-snapshot-visitor",
                .snapshot(
                    Snapshot(
                        tick: 77, ackSeq: 0, flags: 0, selfX: 0, selfY: 2, selfZ: 0, selfHeading: 0,
                        enters: [
                            EntityEnter(
                                id: 21, flags: EntityEnter.flagVisitor, x: 100, y: 200, z: 0, heading: 0,
                                animation: 0, appearance: appearance, name: "민지", home: "광주 Gwangju")
                        ])),
                [
                    "type": "snapshot", "tick": 77, "ackSeq": 0, "flags": 0, "selfX": 0.0, "selfY": 2.0,
                    "selfZ": 0.0, "selfHeading": 0.0, "leaves": [Int](),
                    "enters": [
                        [
                            "id": 21, "flags": 4, "x": 100, "y": 200, "z": 0, "heading": 0, "animation": 0,
                            "appearance": appearanceJSON, "name": "민지", "home": "광주 Gwangju",
                        ]
                    ],
                    "updates": [[String: Any]](),
                ]
            ),
        ]
    }

    /// A ticket's shape (base64url claims and signature); the wire carries it as an opaque string.
    static let ticket = "bt1.eyJ2IjoxLCJpc3MiOiJub2RlLTEifQ.c2lnbmF0dXJl"

    static var appearanceJSON: [String: Any] {
        [
            "bodyShape": 2, "skinColor": 0xE0B89A, "primaryColor": 0x3A6EA5, "secondaryColor": 0x112233, "accessory": 1,
        ]
    }
}
