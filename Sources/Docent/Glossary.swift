/// Korean words and names visitors use, with the English the catalogue's metadata uses, so a
/// Korean question finds English records. Names are the artists' usual Korean spellings.
public enum Glossary {
    public static let koreanToEnglish: [(korean: String, english: String)] = [
        ("비디오", "video"), ("영상", "video film"), ("필름", "film"), ("영화", "film"), ("사진", "photograph photographic"),
        ("설치", "installation"), ("조각", "sculpture"), ("회화", "painting"), ("그림", "painting"), ("판화", "print"),
        ("인쇄", "print printed"), ("네온", "neon"), ("조명", "light"), ("빛", "light"), ("소리", "sound"),
        ("사운드", "sound"), ("음향", "sound"), ("디지털", "digital"), ("프로젝션", "projection"), ("투사", "projection"),
        ("모니터", "monitor"), ("텔레비전", "television"), ("컴퓨터", "computer"), ("슬라이드", "slide"),
        ("흑백", "black white"), ("컬러", "colour"), ("색", "colour"), ("종이", "paper"), ("나무", "wood"),
        ("금속", "metal"), ("유리", "glass"), ("플라스틱", "plastic"), ("캔버스", "canvas"), ("유화", "oil paint"),
        ("인권", "human rights"), ("정치", "politics"), ("아르헨티나", "argentina"), ("여성", "woman"), ("여자", "woman"),
        ("남성", "man"), ("남자", "man"), ("텍스트", "text"), ("글자", "text"), ("신문", "newspaper"),
        ("가톨릭", "roman catholicism"), ("종교", "religion catholicism"), ("폭력", "violence"), ("고문", "torture"),
        ("지옥", "hell"), ("부패", "corruption"), ("풍자", "satire"), ("얼굴", "head face"), ("도시", "city urban"),
        ("바다", "sea"), ("풍경", "landscape"), ("복도", "corridor"), ("새집", "birdhouse"), ("모잠비크", "mozambique"),
        ("천사", "angel"), ("계단", "staircase"), ("돌", "stone"), ("손", "hand"), ("방", "room"), ("개념미술", "conceptual art"),
        ("퍼포먼스", "performance art"),
        ("대지미술", "land art"), ("팝아트", "pop"), ("한국", "taehan min'guk korea"),
        ("이우환", "lee ufan"), ("서도호", "do ho suh"), ("구정아", "koo jeong-a"), ("이승택", "seung-taek lee"),
        ("레온 페라리", "leon ferrari"), ("페라리", "ferrari"), ("리처드 해밀턴", "richard hamilton"),
        ("해밀턴", "hamilton"), ("사라 루카스", "sarah lucas"), ("빌 비올라", "bill viola"), ("비올라", "viola"),
        ("브루스 나우먼", "bruce nauman"), ("나우먼", "nauman"), ("타시타 딘", "tacita dean"),
        ("윌리엄 켄트리지", "william kentridge"), ("켄트리지", "kentridge"), ("아니쉬 카푸어", "anish kapoor"),
        ("카푸어", "kapoor"), ("트레이시 에민", "tracey emin"), ("에민", "emin"), ("볼프강 틸만스", "wolfgang tillmans"),
        ("틸만스", "tillmans"), ("레베카 호른", "rebecca horn"), ("마틴 크리드", "martin creed"),
        ("길버트 앤 조지", "gilbert george"), ("도리스 살세도", "doris salcedo"), ("살세도", "salcedo"),
        ("수잔 힐러", "susan hiller"), ("프랜시스 알리스", "francis alys"), ("가이 틸림", "guy tillim"),
        ("캐서린 야스", "catherine yass"), ("마크 월링거", "mark wallinger"), ("로버트 프랭크", "robert frank"),
    ]

    /// English terms for the Korean words and names found in `text`.
    public static func expansions(of text: String) -> [String] {
        koreanToEnglish.filter { text.contains($0.korean) }.flatMap { TextAnalyzer.terms($0.english) }
    }
}
