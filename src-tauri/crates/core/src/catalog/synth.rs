//! Synthetic price lists: the large catalogs used by tests and benchmarks (`downtime catalog
//! generate`) come from here, deterministic for a seed (the shipped sample is `sample.rs`). Names, specs, units and
//! prices are realistic in shape; none is copied from a real hospital's list.

use crate::rng::Rng;
use std::fmt::Write;

const WESTERN: &[&str] = &[
    "阿莫西林",
    "头孢克肟",
    "头孢呋辛酯",
    "头孢拉定",
    "布洛芬",
    "对乙酰氨基酚",
    "二甲双胍",
    "阿司匹林",
    "氨氯地平",
    "硝苯地平",
    "奥美拉唑",
    "雷贝拉唑",
    "左氧氟沙星",
    "阿奇霉素",
    "甲硝唑",
    "氯雷他定",
    "西替利嗪",
    "辛伐他汀",
    "阿托伐他汀钙",
    "美托洛尔",
    "缬沙坦",
    "厄贝沙坦",
    "格列齐特",
    "重组人胰岛素",
    "地塞米松",
    "泼尼松",
    "氨溴索",
    "孟鲁司特钠",
    "沙丁胺醇",
    "头孢曲松钠",
    "青霉素钠",
    "庆大霉素",
    "维生素C",
    "维生素B6",
    "葡萄糖",
    "氯化钠",
    "甘露醇",
    "肝素钠",
    "华法林钠",
    "氯吡格雷",
    "硝酸甘油",
    "长春新碱",
    "甲氨蝶呤",
    "多潘立酮",
    "蒙脱石",
    "乳果糖",
    "奥司他韦",
    "利巴韦林",
    "阿昔洛韦",
    "氟康唑",
];
const WESTERN_FORMS: &[(&str, &str, &[&str])] = &[
    ("片", "片", &["10mg", "25mg", "0.1g", "0.25g", "0.5g", "5mg"]),
    ("胶囊", "粒", &["0.25g", "0.5g", "20mg", "0.15g"]),
    ("缓释片", "片", &["30mg", "47.5mg", "0.3g"]),
    ("肠溶片", "片", &["20mg", "100mg", "40mg"]),
    ("分散片", "片", &["0.125g", "0.25g"]),
    ("注射液", "支", &["2ml:4mg", "1ml:10mg", "5ml:0.1g", "10ml:1g"]),
    ("注射用粉针", "瓶", &["0.5g", "1.0g", "2.0g"]),
    ("颗粒", "袋", &["0.125g", "5g", "10g"]),
    ("口服溶液", "瓶", &["100ml", "60ml:0.18g"]),
    ("滴眼液", "支", &["5ml:15mg", "8ml"]),
    ("软膏", "支", &["10g", "15g:0.15g"]),
];
const PATENT: &[&str] = &[
    "连花清瘟胶囊",
    "板蓝根颗粒",
    "六味地黄丸",
    "藿香正气水",
    "复方丹参滴丸",
    "银翘解毒片",
    "小柴胡颗粒",
    "感冒灵颗粒",
    "牛黄解毒片",
    "云南白药胶囊",
    "速效救心丸",
    "安宫牛黄丸",
    "双黄连口服液",
    "蒲地蓝消炎片",
    "香砂养胃丸",
    "逍遥丸",
    "补中益气丸",
    "血府逐瘀胶囊",
    "通心络胶囊",
    "清开灵颗粒",
    "蓝芩口服液",
    "金振口服液",
    "脑心通胶囊",
    "参松养心胶囊",
];
const HERBS: &[&str] = &[
    "黄芪",
    "当归",
    "党参",
    "白术",
    "茯苓",
    "甘草",
    "川芎",
    "白芍",
    "熟地黄",
    "柴胡",
    "陈皮",
    "法半夏",
    "金银花",
    "连翘",
    "菊花",
    "枸杞子",
    "山药",
    "丹参",
    "红花",
    "桃仁",
    "黄连",
    "黄芩",
    "大黄",
    "麦冬",
    "五味子",
    "酸枣仁",
    "远志",
    "杜仲",
    "牛膝",
    "薏苡仁",
    "砂仁",
    "木香",
    "厚朴",
    "枳壳",
    "桔梗",
    "防风",
    "荆芥",
    "薄荷",
    "葛根",
    "天麻",
    "川贝母",
    "三七粉",
    "西洋参",
    "太子参",
    "白扁豆",
];
const EXAMS: &[&str] = &[
    "CT平扫(头颅)",
    "CT平扫(胸部)",
    "CT增强(腹部)",
    "胸部正侧位片",
    "腰椎正侧位片",
    "腹部B超",
    "泌尿系B超",
    "心脏彩色多普勒超声",
    "颈部血管彩超",
    "常规心电图检查",
    "动态心电图",
    "磁共振平扫(头颅)",
    "磁共振平扫(腰椎)",
    "胃镜检查",
    "肠镜检查",
    "肺功能检查",
    "骨密度测定",
    "脑电图",
    "眼底检查",
    "电测听",
];
const LABS: &[&str] = &[
    "血常规",
    "尿常规",
    "大便常规",
    "肝功能",
    "肾功能",
    "血糖测定",
    "血脂四项",
    "C反应蛋白测定",
    "凝血四项",
    "乙肝五项",
    "糖化血红蛋白",
    "甲状腺功能三项",
    "心肌酶谱",
    "电解质测定",
    "血型鉴定",
    "降钙素原",
    "新型冠状病毒核酸检测",
    "流感病毒抗原检测",
    "尿微量白蛋白",
    "血沉",
];
const TREATMENTS: &[&str] = &[
    "静脉输液(第一组)",
    "静脉输液(每增加一组)",
    "肌肉注射",
    "皮下注射",
    "静脉注射",
    "换药(小)",
    "换药(中)",
    "清创缝合(小)",
    "雾化吸入",
    "针灸",
    "推拿",
    "吸氧(每小时)",
    "导尿",
    "灌肠",
    "拔罐",
    "洗胃",
    "鼻饲",
    "心电监护(每小时)",
];
const SURGERIES: &[&str] = &[
    "阑尾切除术",
    "体表肿物切除术",
    "清创术",
    "脓肿切开引流术",
    "包皮环切术",
    "甲床修补术",
    "静脉切开置管术",
    "腱鞘囊肿切除术",
];
const MATERIALS: &[(&str, &str, &str)] = &[
    ("一次性输液器", "带针", "套"),
    ("一次性注射器", "5ml", "支"),
    ("一次性注射器", "10ml", "支"),
    ("医用纱布块", "8cm×10cm", "块"),
    ("医用棉签", "10支/包", "包"),
    ("静脉留置针", "22G", "支"),
    ("医用胶带", "1.25cm×9m", "卷"),
    ("一次性无菌手套", "7号", "副"),
    ("一次性医用口罩", "17.5cm×9.5cm", "个"),
    ("弹力绷带", "10cm×4.5m", "卷"),
    ("导尿包", "16Fr", "套"),
    ("一次性吸氧管", "成人", "根"),
];
const FIXED: &[(&str, &str, &str, &str)] = &[
    ("诊察费", "普通门诊诊察费", "次", "10.00"),
    ("诊察费", "副主任医师诊察费", "次", "25.00"),
    ("诊察费", "主任医师诊察费", "次", "35.00"),
    ("诊察费", "急诊诊察费", "次", "15.00"),
    ("诊察费", "诊查费(住院)", "日", "12.00"),
    ("挂号费", "普通挂号费", "次", "1.00"),
    ("挂号费", "专家挂号费", "次", "5.00"),
    ("挂号费", "急诊挂号费", "次", "2.00"),
    ("一般诊疗费", "一般诊疗费", "次", "10.00"),
    ("床位费", "普通病房床位费(三人间)", "日", "35.00"),
    ("床位费", "普通病房床位费(双人间)", "日", "50.00"),
    ("床位费", "监护病房床位费", "日", "120.00"),
    ("护理费", "一级护理", "日", "24.00"),
    ("护理费", "二级护理", "日", "16.00"),
    ("护理费", "三级护理", "日", "9.00"),
    ("护理费", "特级护理", "小时", "8.50"),
    ("其他", "门诊病历本", "本", "1.00"),
    ("其他", "救护车费(10公里内)", "次", "60.00"),
    ("其他", "复印病历", "页", "0.50"),
];

/// Writes a price list CSV (UTF-8 with BOM, as Excel likes) of about `items` rows.
/// Columns: 编码, 名称, 规格, 单位, 单价, 费用类别, 医保类别.
pub fn price_list_csv(items: usize, seed: u64) -> String {
    let mut rng = Rng(seed);
    let mut out = String::from("\u{feff}编码,名称,规格,单位,单价,费用类别,医保类别\r\n");
    let mut n = 0usize;
    let row = |out: &mut String, code: String, name: &str, spec: &str, unit: &str, price: String, cat: &str, class: &str| {
        let quote = |s: &str| {
            if s.contains([',', '"']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_string()
            }
        };
        let _ = write!(
            out,
            "{},{},{},{},{},{},{}\r\n",
            code,
            quote(name),
            quote(spec),
            unit,
            price,
            cat,
            class
        );
    };
    let price = |rng: &mut Rng, lo: u64, hi: u64, decimals: u32| {
        // An amount in 1/10000 yuan between lo and hi yuan, rounded to `decimals` places.
        let step = 10u64.pow(4 - decimals);
        let e4 = (lo * 10_000 + rng.below((hi - lo) * 10_000 + 1)) / step * step;
        let e4 = e4.max(step);
        let text = format!("{}.{:04}", e4 / 10_000, e4 % 10_000);
        let text = text.trim_end_matches('0').to_string();
        if text.ends_with('.') {
            format!("{text}00")
        } else {
            text
        }
    };
    for (cat, name, unit, p) in FIXED {
        n += 1;
        row(&mut out, format!("F{:08}", n), name, "", unit, p.to_string(), cat, "甲");
    }
    let mut round = 0u64;
    while n < items {
        round += 1;
        let kind = rng.below(100);
        let suffix = if round > 1 && rng.below(3) == 0 {
            format!(
                "({})",
                rng.pick(&["国药", "华润", "石药", "扬子江", "恒瑞", "齐鲁", "科伦", "白云山"])
            )
        } else {
            String::new()
        };
        n += 1;
        match kind {
            0..=39 => {
                let base = rng.pick(WESTERN);
                let (form, unit, specs) = WESTERN_FORMS[rng.below(WESTERN_FORMS.len() as u64) as usize];
                let spec = format!("{}×{}", rng.pick(specs), rng.pick(&["12", "24", "30", "36", "48", "1"]));
                let p = price(&mut rng, 0, 30, 4);
                row(
                    &mut out,
                    format!("X{:08}", n),
                    &format!("{base}{form}{suffix}"),
                    &spec,
                    unit,
                    p,
                    "西药费",
                    rng.pick(&["甲", "乙", "丙"]),
                );
            }
            40..=52 => {
                let name = rng.pick(PATENT);
                let p = price(&mut rng, 1, 80, 4);
                row(
                    &mut out,
                    format!("Z{:08}", n),
                    &format!("{name}{suffix}"),
                    rng.pick(&["0.35g×24粒", "10g×10袋", "10ml×6支", "6g×10丸"]),
                    "盒",
                    p,
                    "中成药费",
                    rng.pick(&["甲", "乙"]),
                );
            }
            53..=66 => {
                let name = rng.pick(HERBS);
                let p = price(&mut rng, 0, 3, 4);
                row(
                    &mut out,
                    format!("C{:08}", n),
                    &format!("{name}{suffix}"),
                    rng.pick(&["统货", "精选", "片", "段", "炒"]),
                    "克",
                    p,
                    "中药饮片",
                    rng.pick(&["乙", "丙"]),
                );
            }
            67..=74 => {
                let name = rng.pick(EXAMS);
                let p = price(&mut rng, 20, 800, 2);
                row(
                    &mut out,
                    format!("E{:08}", n),
                    &format!("{name}{suffix}"),
                    "",
                    "次",
                    p,
                    "检查费",
                    "甲",
                );
            }
            75..=83 => {
                let name = rng.pick(LABS);
                let p = price(&mut rng, 3, 150, 2);
                row(
                    &mut out,
                    format!("L{:08}", n),
                    &format!("{name}{suffix}"),
                    "",
                    "项",
                    p,
                    "化验费",
                    "甲",
                );
            }
            84..=89 => {
                let name = rng.pick(TREATMENTS);
                let p = price(&mut rng, 2, 120, 2);
                row(
                    &mut out,
                    format!("T{:08}", n),
                    &format!("{name}{suffix}"),
                    "",
                    "次",
                    p,
                    "治疗费",
                    "甲",
                );
            }
            90..=91 => {
                let name = rng.pick(SURGERIES);
                let p = price(&mut rng, 100, 3000, 2);
                row(
                    &mut out,
                    format!("S{:08}", n),
                    &format!("{name}{suffix}"),
                    "",
                    "例",
                    p,
                    "手术费",
                    "乙",
                );
            }
            _ => {
                let (name, spec, unit) = MATERIALS[rng.below(MATERIALS.len() as u64) as usize];
                let p = price(&mut rng, 0, 60, 4);
                row(
                    &mut out,
                    format!("M{:08}", n),
                    &format!("{name}{suffix}"),
                    spec,
                    unit,
                    p,
                    "卫生材料费",
                    rng.pick(&["乙", "丙"]),
                );
            }
        }
    }
    out
}
