from h import *
from scipy.optimize import minimize
hid=read_hidden(sys.argv[1] if len(sys.argv)>1 else '/work/shared/datasets/los-loop/kriging-test-nodes.csv',ids)
K=int(sys.argv[2]) if len(sys.argv)>2 else 8
obs,fold,nf=setup(hid)
Xtr=X[:TR]; Xte=X[TR:]; P=profile(Xtr); lvl=Xtr.mean(0)
todtr=np.arange(TR)%288
R=Xtr-P[todtr]  # residuals from profile
C=np.corrcoef(R.T); CV_=np.corrcoef(Xtr.T)
def phi(t,cand):
    dd=np.minimum(Dm[t,cand],Dm[cand,t]); o=np.argsort(dd,kind='stable')[:K]; nb=cand[o]; d=dd[o]
    up=(Dm[nb,t]<Dm[t,nb]).astype(float)
    L=lvl[nb]; dev=np.abs(L-np.median(L))/10
    # betweenness: t on a short path between j and another neighbour i
    btw=np.zeros(K)
    for a in range(K):
        best=np.inf
        for b in range(K):
            if a==b: continue
            i,j=nb[b],nb[a]
            ex=min(Dm[i,t]+Dm[t,j]-Dm[i,j], Dm[j,t]+Dm[t,i]-Dm[j,i])
            best=min(best,ex)
        btw[a]=np.exp(-max(best,0)/500) if np.isfinite(best) else 0
    cr=np.array([np.mean([C[nb[a],nb[b]] for b in range(K) if b!=a]) for a in range(K)])
    cv_=np.array([np.mean([CV_[nb[a],nb[b]] for b in range(K) if b!=a]) for a in range(K)])
    rank=np.arange(K)/K
    F=np.stack([-(d/SIG)**2, up, dev, btw, cr, cv_, rank],1)
    return nb,F
NAMES=['-d2','up','dev','btw','corrR','corrV','rank']
def prep(ts, Xr, candf):
    out=[]
    for t in ts:
        nb,F=phi(t,candf(t)); out.append((Xr[:,nb],F,Xr[:,t]))
    return out
def loss(theta, data, mask):
    tot=0; g=np.zeros_like(theta); n=0
    for V,F,y in data:
        s=F[:,mask]@theta; s-=s.max(); w=np.exp(s); w/=w.sum()
        pr=V@w; e=pr-y; sg=np.sign(e)   # L1
        # d pr/d theta = V @ (w*(F - w@F))
        Fm=F[:,mask]; dW=w[:,None]*(Fm-w@Fm)
        g+=sg@(V@dW); tot+=np.abs(e).sum(); n+=len(y)
    return tot/n, g/n
def fit(data,mask):
    th0=np.zeros(mask.sum()); th0[0]=1.0 if mask[0] else 0
    r=minimize(loss,th0,args=(data,mask),jac=True,method='L-BFGS-B')
    return r.x
def evaluate(th,data,mask): return loss(th,data,mask)[0]
cvdata={t:prep([t],Xtr,lambda t:np.array([j for j in obs if fold[j]!=fold[t]]))[0] for t in obs}
tedata=prep(hid,Xte,lambda t:obs)
import itertools
for feats in [[0],[0,1],[0,2],[0,3],[0,4],[0,5],[0,6],[0,2,3,4],[0,1,2,3,4,5,6]]:
    mask=np.zeros(7,bool); mask[feats]=True
    errs=[]
    for k in range(nf):
        tr=[cvdata[t] for t in obs if fold[t]!=k]; ts=[cvdata[t] for t in obs if fold[t]==k]
        th=fit(tr,mask); errs.append(evaluate(th,ts,mask)*len(ts))
    cvm=sum(errs)/len(obs)
    th=fit(list(cvdata.values()),mask)
    print([NAMES[f] for f in feats],'cv',round(cvm,3),'test',round(evaluate(th,tedata,mask),3),np.round(th,2),flush=True)
